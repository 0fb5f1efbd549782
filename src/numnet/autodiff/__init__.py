"""Reverse-mode automatic differentiation over the backend's array module."""

from .tensor import Tensor, Variable, grad_enabled, no_grad

__all__ = ["Tensor", "Variable", "grad_enabled", "no_grad"]
