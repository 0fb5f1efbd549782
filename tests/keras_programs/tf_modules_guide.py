"""The TensorFlow guide "Introduction to modules, layers, and models": a tf.Module holding a
trainable and a non-trainable tf.Variable, Modules made of Modules (submodules, variables
found through them), a Module that creates its variables on first call, a checkpoint written
by tf.train.Checkpoint.write, listed by tf.train.list_variables and restored into a new
Module, a tf.function __call__ on inputs of two ranks; then the same as Keras layers
(tf.Variables in __init__, then in build, the error of a call on an input of another width),
a Model subclass of them (variables, submodules, summary) and a functional model of them.
"""

import numpy as np

import numnet as tf

tf.random.set_seed(13)
RESULT = {}


class SimpleModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.a_variable = tf.Variable(5.0, name="train_me")
        self.non_trainable_variable = tf.Variable(5.0, trainable=False, name="do_not_train_me")

    def __call__(self, x):
        return self.a_variable * x + self.non_trainable_variable


simple_module = SimpleModule(name="simple")
RESULT["simple_output"] = float(simple_module(tf.constant(5.0)))  # 5 * 5 + 5
RESULT["simple_trainable"] = float(len(simple_module.trainable_variables))
RESULT["simple_variables"] = float(len(simple_module.variables))
RESULT["simple_name_kept"] = float(simple_module.name == "simple")


class Dense(tf.Module):
    def __init__(self, in_features, out_features, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.random.normal([in_features, out_features]), name="w")
        self.b = tf.Variable(tf.zeros([out_features]), name="b")

    def __call__(self, x):
        y = tf.matmul(x, self.w) + self.b
        return tf.nn.relu(y)


class SequentialModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)

        self.dense_1 = Dense(in_features=3, out_features=3)
        self.dense_2 = Dense(in_features=3, out_features=2)

    def __call__(self, x):
        x = self.dense_1(x)
        return self.dense_2(x)


my_model = SequentialModule(name="the_model")
result = my_model(tf.constant([[2.0, 2.0, 2.0]]))
RESULT["model_output_width"] = float(result.shape[-1])
RESULT["model_output_nonnegative"] = float(np.all(result.numpy() >= 0))
RESULT["submodules"] = float(len(my_model.submodules))
RESULT["model_variables"] = float(len(my_model.variables))
RESULT["variable_names"] = float(sorted(v.name.split(":")[0] for v in my_model.variables)
                                 == ["b", "b", "w", "w"])


class FlexibleDenseModule(tf.Module):
    def __init__(self, out_features, name=None):
        super().__init__(name=name)
        self.is_built = False
        self.out_features = out_features

    def __call__(self, x):
        if not self.is_built:
            self.w = tf.Variable(
                tf.random.normal([x.shape[-1], self.out_features]), name="w")
            self.b = tf.Variable(tf.zeros([self.out_features]), name="b")
            self.is_built = True

        y = tf.matmul(x, self.w) + self.b
        return tf.nn.relu(y)


class MySequentialModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)

        self.dense_1 = FlexibleDenseModule(out_features=3)
        self.dense_2 = FlexibleDenseModule(out_features=2)

    def __call__(self, x):
        x = self.dense_1(x)
        return self.dense_2(x)


my_model = MySequentialModule(name="the_model")
RESULT["flexible_variables_before"] = float(len(my_model.variables))
first = my_model(tf.constant([[2.0, 2.0, 2.0]]))
RESULT["flexible_variables_after"] = float(len(my_model.variables))
RESULT["flexible_kernel_rows"] = float(my_model.dense_1.w.shape[0])

chkp_path = "my_checkpoint"
checkpoint = tf.train.Checkpoint(model=my_model)
checkpoint.write(chkp_path)
names = [name for name, shape in tf.train.list_variables(chkp_path)]
RESULT["checkpoint_model_entries"] = float(sum(name.startswith("model/") for name in names))
RESULT["checkpoint_has_dense_1_w"] = float(any("model/dense_1/w" in name for name in names))

new_model = MySequentialModule()
new_checkpoint = tf.train.Checkpoint(model=new_model)
new_checkpoint.restore("my_checkpoint")
restored = new_model(tf.constant([[2.0, 2.0, 2.0]]))
RESULT["restored_gap"] = float(np.max(np.abs(restored.numpy() - first.numpy())))
RESULT["restored_kernel_gap"] = float(np.max(np.abs(new_model.dense_2.w.numpy()
                                                    - my_model.dense_2.w.numpy())))


class MySequentialModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)

        self.dense_1 = Dense(in_features=3, out_features=3)
        self.dense_2 = Dense(in_features=3, out_features=2)

    @tf.function
    def __call__(self, x):
        x = self.dense_1(x)
        return self.dense_2(x)


my_model = MySequentialModule(name="the_model")
rank_2 = my_model([[2.0, 2.0, 2.0]])
rank_3 = my_model([[[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]])
RESULT["function_rank_2"] = float(len(rank_2.shape))
RESULT["function_rank_3"] = float(len(rank_3.shape))
RESULT["function_same_rows"] = float(np.max(np.abs(rank_3.numpy()[0, 1] - rank_2.numpy()[0])))


class MyDense(tf.keras.layers.Layer):
    def __init__(self, in_features, out_features, **kwargs):
        super().__init__(**kwargs)

        self.w = tf.Variable(
            tf.random.normal([in_features, out_features]), name="w")
        self.b = tf.Variable(tf.zeros([out_features]), name="b")

    def call(self, x):
        y = tf.matmul(x, self.w) + self.b
        return tf.nn.relu(y)


simple_layer = MyDense(name="simple", in_features=3, out_features=3)
RESULT["keras_layer_width"] = float(simple_layer([[2.0, 2.0, 2.0]]).shape[-1])


class FlexibleDense(tf.keras.layers.Layer):
    def __init__(self, out_features, **kwargs):
        super().__init__(**kwargs)
        self.out_features = out_features

    def build(self, input_shape):
        self.w = self.add_weight(shape=[input_shape[-1], self.out_features],
                                 initializer="random_normal", name="w")
        self.b = self.add_weight(shape=[self.out_features], initializer="zeros", name="b")

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


flexible_dense = FlexibleDense(out_features=3)
RESULT["layer_variables_before"] = float(len(flexible_dense.variables))
output = flexible_dense(tf.constant([[2.0, 2.0, 2.0], [3.0, 3.0, 3.0]]))
RESULT["layer_variables_after"] = float(len(flexible_dense.variables))
RESULT["layer_output_rows"] = float(output.shape[0])
RESULT["wrong_width_refused"] = 0.0
try:
    print("Model results:", flexible_dense(tf.constant([[2.0, 2.0, 2.0, 2.0]])))
except tf.errors.InvalidArgumentError as e:
    print("Failed:", e)
    RESULT["wrong_width_refused"] = 1.0


class MySequentialModel(tf.keras.Model):
    def __init__(self, name=None, **kwargs):
        super().__init__(**kwargs)

        self.dense_1 = FlexibleDense(out_features=3)
        self.dense_2 = FlexibleDense(out_features=2)

    def call(self, x):
        x = self.dense_1(x)
        return self.dense_2(x)


my_sequential_model = MySequentialModel(name="the_model")
sequential_output = my_sequential_model(tf.constant([[2.0, 2.0, 2.0]]))
RESULT["model_output_columns"] = float(sequential_output.shape[-1])
RESULT["keras_model_variables"] = float(len(my_sequential_model.variables))
RESULT["keras_model_layers"] = float(len(my_sequential_model.layers))
my_sequential_model.summary()
RESULT["keras_model_params"] = float(my_sequential_model.count_params())  # 3*3+3 + 3*2+2

inputs = tf.keras.Input(shape=[3,])
x = FlexibleDense(3)(inputs)
x = FlexibleDense(2)(x)
my_functional_model = tf.keras.Model(inputs=inputs, outputs=x)
my_functional_model.summary()
functional_output = my_functional_model(tf.constant([[2.0, 2.0, 2.0]]))
RESULT["functional_output_columns"] = float(functional_output.shape[-1])
RESULT["functional_params"] = float(my_functional_model.count_params())
print(RESULT)
