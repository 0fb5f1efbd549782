"""The warning class of numnet.advice, on the bottom floor: the model loaders silence it
while they compile a loaded model, without importing the advice module above them."""

from __future__ import annotations


class AdviceWarning(UserWarning):
    """A likely mistake in how a model is set up: ``problem``, ``why`` it matters, the ``fix``.

    ``rule`` names the check that fired (one of ``numnet.advice.RULES``).

    Args:
        problem: what is wrong.
        why: why it matters. Defaults to ``''``.
        fix: what to change. Defaults to ``''``.
        rule: the name of the check that fired (one of ``numnet.advice.RULES``). Defaults to ``''``.

    Example:
        >>> import warnings
        >>> warnings.simplefilter("ignore", numnet.AdviceWarning)   # silence every rule
        >>> numnet.advice.disable("linear_hidden")                   # or one rule
    """

    def __init__(self, problem: str, why: str = "", fix: str = "", rule: str = ""):
        self.problem, self.why, self.fix, self.rule = problem, why, fix, rule
        text = problem
        if why:
            text += f" Why: {why}"
        if fix:
            text += f" Fix: {fix}"
        super().__init__(text)
