"""The ``numnet`` command.

    numnet demo      train the course's first model (784-32-10, RMSprop) on the bundled MNIST
"""

from __future__ import annotations

import argparse
import sys
import time


def _demo(args: argparse.Namespace) -> int:
    import numnet as keras
    from numnet import layers, models, optimizers

    if args.seed is not None:
        keras.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data(bundled=True)
    x_train = x_train.reshape(len(x_train), 784).astype("float32") / 255
    x_test = x_test.reshape(len(x_test), 784).astype("float32") / 255
    y_train = keras.utils.to_categorical(y_train, 10)
    y_test = keras.utils.to_categorical(y_test, 10)
    print(f"MNIST (bundled sample): {len(x_train)} training and {len(x_test)} test images")

    model = models.Sequential()
    model.add(layers.Dense(32, activation="relu", input_shape=(784,)))
    model.add(layers.Dense(10, activation="softmax"))
    model.compile(optimizer=optimizers.RMSprop(learning_rate=0.001),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    model.summary()
    start = time.perf_counter()
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=args.batch_size,
              verbose=args.verbose)
    seconds = time.perf_counter() - start
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Trained {args.epochs} epochs in {seconds:.2f} s")
    print(f"Test loss: {loss:.4f} - test accuracy: {accuracy:.4f}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="numnet", description="Train Keras-style neural networks with numnet.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser(
        "demo", help="train 784-32-10 with RMSprop on the bundled MNIST and report accuracy",
        description="Train the course's first model (Dense 32 relu, Dense 10 softmax, "
                    "RMSprop(0.001), categorical cross-entropy) on the MNIST sample that ships "
                    "with numnet, then print its test accuracy.")
    demo.add_argument("--epochs", type=int, default=20, help="passes over the data (default 20)")
    demo.add_argument("--batch-size", type=int, default=32, help="batch size (default 32)")
    demo.add_argument("--seed", type=int, default=None, help="random seed for a repeatable run")
    demo.add_argument("--verbose", type=int, default=2, choices=(0, 1, 2),
                      help="0 silent, 1 progress bar, 2 one line per epoch (default)")
    demo.set_defaults(func=_demo)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if getattr(args, "epochs", 1) < 1:
        parser.error("--epochs must be at least 1")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
