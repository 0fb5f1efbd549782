"""Reverse-mode automatic differentiation over the backend's array module."""

from .tensor import Shape, Tensor, Variable, grad_enabled, no_grad

__all__ = ["Shape", "Tensor", "Variable", "grad_enabled", "no_grad"]
