"""What ``numnet train`` says about a run: the lines of the terminal and report.json, and the
run folder written whole (a temporary folder renamed into place)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile


def labels_shown(values: dict, limit: int = 8) -> str:
    """'key: value, ...' for the first ``limit`` entries, and how many more."""
    items = list(values.items())
    text = ", ".join(f"{k}: {v}" for k, v in items[:limit])
    return text + (f", and {len(items) - limit} more" if len(items) > limit else "")


def column_lines(columns: dict) -> list:
    """The column decisions, one line each, for the terminal."""
    lines = [f"columns: {len(columns['used'])} used as inputs; {len(columns['scaled'])} numeric, "
             "standardized with the training rows' mean and std"]
    for name, cats in columns["encoded"].items():
        shown = ", ".join(cats[:6]) + (f", ... ({len(cats)} in all)" if len(cats) > 6 else "")
        lines.append(f"  encoded {name!r} one-hot: {shown}")
    for name, fill in columns["filled"].items():
        what = f"the training median {fill['with']:.6g}" if isinstance(fill["with"], float) \
            else fill["with"]
        lines.append(f"  filled {fill['cells']} missing cell{'s' * (fill['cells'] != 1)} of "
                     f"{name!r} with {what}")
    for d in columns["dropped"]:
        lines.append(f"  dropped {d['name']!r}: {d['reason']}")
    return lines


def balance(task: str, prep, table, targets) -> tuple:
    """({class: rows} over the whole table, a sentence about it), or (None, None)."""
    if task not in ("binary", "multiclass"):
        return None, None
    labels = prep.target_values(table)
    counts = {str(c): int(sum(1 for v in labels if v == c)) for c in prep.classes}
    n = sum(counts.values())
    text = ", ".join(f"{c} {k} ({100 * k / n:.0f}%)" for c, k in counts.items())
    return counts, text


def comparison(result) -> str:
    """One sentence: how the chosen model compares with the linear baseline."""
    m = result.metric
    per = result.per_candidate["linear"]
    test, lin = result.test[m], per["test"][m]
    where = "the held-out test rows" if result.protocol == "hold-out" else \
        f"{result.rows['folds']}-fold cross-validation"
    if result.protocol == "cross-validation":
        counts = {}
        for member in result.members:
            counts[member["candidate"]] = counts.get(member["candidate"], 0) + 1
        total = len(result.members)
        chosen = "; ".join(f"{name} in {c} of {total} folds" for name, c in counts.items())
        test = result.test.get(f"{m}_of_r", test)  # as measured, like the linear baseline's
        lin_text = f"the linear baseline's {lin:.4f}"
        better = "better than" if test > lin else "not better than" if test < lin else \
            "as good as"
        if all(not c.hidden for c in result.candidates):
            return (f"the linear model was the only candidate (--hidden none); test {m} "
                    f"{test:.4f} on {where}")
        if all(x["candidate"] == "linear" for x in result.members):
            nets = [c.name for c in result.candidates if c.hidden]
            return (f"no network beat the linear baseline on validation rows in any fold "
                    f"(tried: {'; '.join(nets)}); kept the linear model in every fold: test "
                    f"{m} {test:.4f} on {where}")
        return (f"chosen on validation rows in each fold: {chosen}; on {where} these fold "
                f"models score {m} {test:.4f}, {better} {lin_text} (the linear model trained "
                "the same way)")
    if result.linear_wins:
        nets = [c.name for c in result.candidates if c.hidden]
        if not nets:
            return f"the linear model was the only candidate (--hidden none); test {m} {test:.4f}"
        return (f"no network beat the linear baseline on validation rows (tried: "
                f"{'; '.join(nets)}); kept the linear model: test {m} {test:.4f} on {where}")
    better = "better than" if test > lin else "not better than" if test < lin else "as good as"
    return (f"chosen {result.chosen.name} on validation rows; on {where} it scores {m} "
            f"{test:.4f}, {better} the linear baseline's {lin:.4f}")


def units(task: str) -> dict:
    if task == "regression":
        return {"loss": "mean squared error of the standardized target ((y - center) / scale)",
                "metrics": "the target's units (r2 has none)",
                "history": "loss and val_loss on the standardized target; mae and val_mae in "
                           "the target's units"}
    return {"loss": "cross-entropy", "metrics": "shares of rows",
            "history": "loss on the training objective; accuracy as a share of rows"}


def report(args, table, targets, task, reason, result, columns, balance, weights,
            seconds) -> dict:
    final, prep = result.final, result.prep
    m = result.metric
    if result.protocol == "cross-validation":
        model = {"name": f"average of {len(result.members)} fold models",
                 "how": "the mean of the outputs of the model chosen and trained in each fold "
                        "(the models the test score comes from), each reading the inputs "
                        "through the saved preprocessing (fitted on all rows)",
                 "members": result.members, "rows": len(table)}
    else:
        model = {**result.chosen.to_json(), "epochs": final.best_epoch,
                 "rows": len(final.refit.train_rows),
                 "early_stopping": {"train_rows": len(result.split.train_rows),
                                    "validation_rows": len(result.split.val_rows),
                                    "best_epoch": final.best_epoch, "epochs": final.epochs,
                                    "validation": final.validation}}
    return {
        "task": task, "task_reason": reason, "targets": targets,
        "data": os.path.abspath(args.data), "rows": len(table),
        "metric": m, "loss": result.test["loss"],
        "metrics": {k: v for k, v in result.test.items()
                    if k not in ("loss", "rows", "folds", "repeats")
                    and not k.endswith(("_spread", "_of_r")) and not isinstance(v, str)},
        "test": result.test, "comparison": comparison(result),
        "protocol": result.report(),
        "columns": columns, "class_balance": balance,
        "class_weights": None if weights is None else
        {str(prep.classes[j]): w for j, w in weights.items()},
        "model": model,
        "units": units(task),
        "loss_function": final.model._loss_obj.name, "epochs": final.epochs,
        "best_epoch": final.best_epoch, "time_s": round(seconds, 3),
        "epoch_limit": final.limits[0], "patience": final.limits[1],
        "inputs": prep.n_inputs, "hidden": list(result.chosen.hidden),
        "optimizer": args.optimizer, "learning_rate": final.learning_rate,
        "learning_rate_source": final.learning_rate_source, "batch_size": args.batch_size,
        "seed": args.seed, "validation_split": args.validation_split,
        "validation_rows": [int(i) for i in result.split.val_rows],
        "dropped_columns": prep.dropped, "history": final.history,
    }


def write_run(out: str, overwrite: bool, final, prep, report: dict, task: str,
              targets, model=None) -> list:
    """Write the run into a temporary folder beside ``out`` and rename it into place (an
    existing ``out`` is replaced only with --overwrite, and only once the new run is
    complete)."""
    from numnet.tools.plots import INSTALL_HINT, have_matplotlib, plot_history, text_chart

    parent = os.path.dirname(os.path.abspath(out))
    tmp = tempfile.mkdtemp(prefix=".numnet-train-", dir=parent)
    chart = None
    try:
        (model or final.refit_model).save(os.path.join(tmp, "model.numnet"))
        prep.save(os.path.join(tmp, "preprocessing.json"))
        written = ["model.numnet", "preprocessing.json", "report.json"]
        history = final.history
        title = f"numnet train: {task} ({', '.join(targets)}), {report['model']['name']}"
        labels = {"loss": "loss (MSE of the standardized target)" if task == "regression"
                  else "loss (cross-entropy)", "mae": "MAE (target units)"}
        if have_matplotlib():
            plot_history(history, os.path.join(tmp, "history.png"), title, final.best_epoch,
                         labels=labels)
            written.append("history.png")
        else:
            epochs = range(1, len(history["loss"]) + 1)
            chart = text_chart({"training loss": (epochs, history["loss"]),
                                "validation loss": (epochs, history["val_loss"])},
                               x_label="epoch", y_label=labels["loss"],
                               marks={"chosen epoch": final.best_epoch})
            report["history_png"] = "not written: matplotlib is not installed"
        with open(os.path.join(tmp, "report.json"), "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1)
        if os.path.exists(out):
            old = tempfile.mkdtemp(prefix=".numnet-old-", dir=parent)
            os.replace(out, os.path.join(old, "run"))
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if chart:
        print(chart)
        print(f"(history.png not written: matplotlib is not installed; {INSTALL_HINT})")
    return written


def weights_line(prep, weights: dict | None, mode: str) -> str:
    """The terminal's line on class weights."""
    if weights is None:
        return "class weights: " + ("none (the classes are not skewed)" if mode == "auto"
                                    else "none (--class-weight none)")
    shown = labels_shown({prep.classes[j]: f"{w:.3g}" for j, w in weights.items()})
    return f"class weights: balanced, n / (classes * n_class): {shown}"


def summary_lines(result, report: dict, seconds: float) -> list:
    """The closing lines: how the choice compares with the linear baseline, the test score and
    which rows gave it, the learning rate, and how the saved model was trained."""
    final, m, test = result.final, result.metric, result.test
    cv = result.protocol == "cross-validation"
    where = f" (fold scores' sd {test[m + '_spread']:.4f}) over {test['folds']} folds" \
        if cv else f" on {test['rows']} held-out rows"
    if cv and test.get("repeats", 1) > 1:
        where += f", {test['repeats']} times"
    if cv:
        epochs = ", ".join(str(x["epochs"]) for x in result.members)
        note = [f"  ({test['correction']})"] if "correction" in test else []
        return [report["comparison"],
                f"test {m}: {test[m]:.4f}{where} ({test['model']}); trivial baseline "
                f"{result.trivial['test'][m]:.4f}", *note,
                f"learning rate: {final.learning_rate:.3g} ({final.learning_rate_source})",
                f"saved model: the average of the {len(result.members)} fold models, each "
                f"trained on the rows outside its fold for the epochs early stopping chose "
                f"there ({epochs}); it reads the inputs through preprocessing fitted on all "
                f"{test['rows']} rows; {seconds:.1f} s in all"]
    return [report["comparison"],
            f"test {m}: {test[m]:.4f}{where} ({test['model']}); trivial baseline "
            f"{result.trivial['test'][m]:.4f}",
            f"learning rate: {final.learning_rate:.3g} ({final.learning_rate_source})",
            f"saved model: {result.chosen.name}; early stopping ({len(result.split.train_rows)} "
            f"training rows, {len(result.split.val_rows)} validation rows) chose epoch "
            f"{final.best_epoch} of {final.epochs} (at most {final.limits[0]}, patience "
            f"{final.limits[1]}; validation {m} {final.validation[m]:.4f}); "
            f"then trained on all {len(final.refit.train_rows)} of those rows for "
            f"{final.best_epoch} epochs; {seconds:.1f} s in all"]
