"""Layers: from numnet.layers import Dense."""

from .activation import ELU, LeakyReLU, PReLU, ReLU, Softmax
from .attention import AdditiveAttention, Attention, MultiHeadAttention
from .base import Input, InputLayer, Layer, SymbolicTensor
from .convolutional import Conv1D, Conv2D, Convolution1D, Convolution2D
from .convolutional_more import (
    Conv3D,
    Convolution3D,
    DepthwiseConv1D,
    DepthwiseConv2D,
    SeparableConv1D,
    SeparableConv2D,
)
from .convolutional_transpose import (
    Conv1DTranspose,
    Conv2DTranspose,
    Convolution1DTranspose,
    Convolution2DTranspose,
)
from .core import Activation, Dense, Identity, Lambda, Masking
from .embedding import Embedding
from .image import (
    CenterCrop,
    Cropping1D,
    Cropping2D,
    RandomBrightness,
    RandomContrast,
    RandomCrop,
    RandomFlip,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
    Resizing,
    UpSampling1D,
    UpSampling2D,
    ZeroPadding1D,
    ZeroPadding2D,
)
from .input_spec import InputSpec
from .lookup import CategoryEncoding, IntegerLookup, StringLookup
from .merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from .normalization import BatchNormalization, LayerNormalization, UnitNormalization
from .pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AvgPool1D,
    AvgPool2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    MaxPool1D,
    MaxPool2D,
    MaxPooling1D,
    MaxPooling2D,
)
from .preprocessing import Normalization, Rescaling
from .recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, SimpleRNN, SimpleRNNCell
from .regularization import (
    ActivityRegularization,
    AlphaDropout,
    Dropout,
    GaussianDropout,
    GaussianNoise,
)
from .regularization_more import (
    GroupNormalization,
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)
from .reshaping import Flatten, Permute, RepeatVector, Reshape
from .serialization import deserialize, serialize
from .text_vectorization import TextVectorization
from .volumetric import (
    AveragePooling3D,
    AvgPool3D,
    Cropping3D,
    GlobalAveragePooling3D,
    GlobalAvgPool3D,
    GlobalMaxPool3D,
    GlobalMaxPooling3D,
    MaxPool3D,
    MaxPooling3D,
    UpSampling3D,
    ZeroPadding3D,
)
from .wrapper import Wrapper
from .wrappers import Bidirectional, TimeDistributed

__all__ = [
    "ELU", "Activation", "ActivityRegularization", "AlphaDropout", "AveragePooling1D",
    "AveragePooling2D", "AvgPool1D", "AvgPool2D", "BatchNormalization", "Conv1D", "Conv2D",
    "Convolution1D", "Convolution2D", "Dense", "Dropout", "Embedding", "Flatten",
    "GaussianDropout", "GaussianNoise", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
    "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalMaxPool1D", "GlobalMaxPool2D",
    "GlobalMaxPooling1D", "GlobalMaxPooling2D", "Identity", "Input", "InputLayer", "Lambda",
    "Layer", "LayerNormalization", "LeakyReLU", "MaxPool1D", "MaxPool2D", "MaxPooling1D",
    "MaxPooling2D", "Masking", "Normalization", "PReLU", "Permute", "ReLU", "RepeatVector",
    "Rescaling", "Reshape", "Softmax", "SymbolicTensor", "UnitNormalization",
    "Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract", "add",
    "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract",
    "GRU", "LSTM", "RNN", "Bidirectional", "GRUCell", "LSTMCell", "SimpleRNN", "SimpleRNNCell",
    "TimeDistributed",
    "CategoryEncoding", "IntegerLookup", "StringLookup", "TextVectorization", "deserialize",
    "serialize",
    "MultiHeadAttention", "Attention", "AdditiveAttention",
    "Conv1DTranspose", "Conv2DTranspose", "Convolution1DTranspose", "Convolution2DTranspose",
    "CenterCrop", "Cropping1D", "Cropping2D", "RandomBrightness", "RandomContrast", "RandomCrop",
    "RandomFlip", "RandomRotation",
    "RandomTranslation", "RandomZoom", "Resizing", "UpSampling1D", "UpSampling2D",
    "ZeroPadding1D", "ZeroPadding2D",
    "Conv3D", "Convolution3D", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D",
    "SeparableConv2D", "InputSpec", "GroupNormalization", "SpatialDropout1D",
    "SpatialDropout2D", "SpatialDropout3D", "Wrapper",
    "AveragePooling3D", "AvgPool3D", "Cropping3D", "GlobalAveragePooling3D", "GlobalAvgPool3D",
    "GlobalMaxPool3D", "GlobalMaxPooling3D", "MaxPool3D", "MaxPooling3D", "UpSampling3D",
    "ZeroPadding3D",
]

# (Keras 3 layers of their own modules: einsum, normalizations, augmentations, hashing, ...)
from .attention_grouped import GroupQueryAttention  # noqa: E402
from .audio import MelSpectrogram, STFTSpectrogram  # noqa: E402
from .convolutional_more import SeparableConv1D as SeparableConvolution1D  # noqa: E402
from .convolutional_more import SeparableConv2D as SeparableConvolution2D  # noqa: E402
from .convolutional_transpose_3d import Conv3DTranspose, Convolution3DTranspose  # noqa: E402
from .einsum_dense import EinsumDense  # noqa: E402
from .embedding_reversible import ReversibleEmbedding  # noqa: E402
from .image_augment import (  # noqa: E402
    AutoContrast,
    CutMix,
    MaxNumBoundingBoxes,
    MixUp,
    RandomErasing,
    RandomGrayscale,
    RandomInvert,
    Solarization,
)
from .image_augment_more import (  # noqa: E402
    AugMix,
    ContrastLimitedAdaptiveHistogramEqualization,
    RandAugment,
    RandomColorJitter,
    RandomElasticTransform,
    RandomPerspective,
    RandomShear,
)
from .image_color import (  # noqa: E402
    Equalization,
    RandomColorDegeneration,
    RandomGaussianBlur,
    RandomHue,
    RandomPosterization,
    RandomSaturation,
    RandomSharpness,
)
from .normalization_more import RMSNormalization, SpectralNormalization  # noqa: E402
from .pipeline import Pipeline  # noqa: E402
from .pooling_adaptive import (  # noqa: E402
    AdaptiveAveragePooling1D,
    AdaptiveAveragePooling2D,
    AdaptiveAveragePooling3D,
    AdaptiveMaxPooling1D,
    AdaptiveMaxPooling2D,
    AdaptiveMaxPooling3D,
)
from .preprocessing_more import Discretization, HashedCrossing, Hashing  # noqa: E402
from .recurrent_conv import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D  # noqa: E402
from .recurrent_stacked import StackedRNNCells  # noqa: E402
from .saved_model import TFSMLayer  # noqa: E402

__all__ += [
    "SeparableConvolution1D", "SeparableConvolution2D", "Conv3DTranspose",
    "Convolution3DTranspose", "EinsumDense", "RMSNormalization", "SpectralNormalization",
    "StackedRNNCells", "Discretization", "HashedCrossing", "Hashing", "AutoContrast", "CutMix",
    "MixUp", "RandomErasing", "RandomGrayscale", "RandomInvert", "Solarization",
    "MaxNumBoundingBoxes",
    "AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D",
    "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D",
    "ReversibleEmbedding", "GroupQueryAttention", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D",
    "RandomColorDegeneration", "RandomPosterization", "RandomSharpness", "Pipeline",
    "RandomSaturation", "RandomHue", "Equalization", "RandomGaussianBlur",
    "MelSpectrogram", "STFTSpectrogram", "RandomColorJitter", "RandomElasticTransform",
    "RandomPerspective", "RandomShear", "AugMix", "RandAugment",
    "ContrastLimitedAdaptiveHistogramEqualization", "TFSMLayer",
]

from . import symbolic as _symbolic  # noqa: E402, F401  (ops on symbolic tensors: nodes)
