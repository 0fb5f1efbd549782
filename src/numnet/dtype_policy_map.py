"""Keras 3's ``keras.dtype_policies`` names beyond ``DTypePolicy``: ``FloatDTypePolicy``,
``DTypePolicyMap`` (a policy per layer path), and ``get`` / ``serialize`` / ``deserialize``.

They join ``numnet.dtype_policies`` (the bottom floor, which every layer reads) when numnet is
imported; this module sits beside it and adds them there.
"""

from __future__ import annotations

import re

from . import dtype_policies as _policies
from .dtype_policies import DTypePolicy


class FloatDTypePolicy(DTypePolicy):
    """Keras's other name for a floating ``DTypePolicy`` ("float32", "mixed_float16", ...).

    Args:
        name: the policy's name; None for ``backend.floatx()``. Defaults to ``None``.

    Example:
        >>> numnet.dtype_policies.FloatDTypePolicy("mixed_float16").compute_dtype
        'float16'
    """


def get(identifier) -> DTypePolicy:
    """A policy from a name ("mixed_float16", "float32", ...), a ``serialize`` dict, a policy
    (returned as it is) or None (the global policy).

    Args:
        identifier: the name, dict, policy or None.

    Returns:
        A DTypePolicy (or the DTypePolicyMap given).

    Raises:
        ValueError: for a name that is no policy, or anything else.

    Example:
        >>> numnet.dtype_policies.get("mixed_float16").variable_dtype
        'float32'
    """
    if identifier is None:
        return _policies.global_policy()
    if isinstance(identifier, (DTypePolicy, DTypePolicyMap)):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        try:
            return DTypePolicy(identifier)
        except ValueError:
            raise ValueError(
                f"dtype_policies.get(identifier): cannot make a policy of {identifier!r}; "
                f"expected 'mixed_float16', 'mixed_bfloat16' or a float dtype name such as "
                f"'float32'.") from None
    raise ValueError(f"dtype_policies.get(identifier): expected a policy name, a dict from "
                     f"serialize, a DTypePolicy or None; given {type(identifier).__name__} "
                     f"{identifier!r}.")


def serialize(dtype_policy) -> dict:
    """``{"module", "class_name", "config", "registered_name"}`` as Keras writes a policy.

    Example:
        >>> numnet.dtype_policies.serialize(numnet.DTypePolicy("float16"))["config"]
        {'name': 'float16'}
    """
    if isinstance(dtype_policy, DTypePolicyMap):
        return {"module": "keras.dtype_policies", "class_name": "DTypePolicyMap",
                "config": dtype_policy.get_config(), "registered_name": None}
    if not isinstance(dtype_policy, DTypePolicy):
        raise ValueError(f"dtype_policies.serialize(dtype_policy): expected a DTypePolicy, "
                         f"given {type(dtype_policy).__name__} {dtype_policy!r}.")
    if dtype_policy.quantization_mode is not None:  # as Keras writes a quantized policy
        return {"module": "keras.dtype_policies", "class_name": type(dtype_policy).__name__,
                "config": dtype_policy.get_config(), "registered_name": None}
    return {"module": "keras", "class_name": "DTypePolicy",
            "config": dtype_policy.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    """The policy a ``serialize`` dict describes (class names "DTypePolicy",
    "FloatDTypePolicy", "Policy" or "DTypePolicyMap").

    Args:
        config: the dict.
        custom_objects: accepted for Keras. Defaults to ``None``.
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"dtype_policies.deserialize(config): expected a dict with "
                         f"'class_name' and 'config', given {config!r}.")
    name, inner = config["class_name"], config.get("config") or {}
    if name == "DTypePolicyMap":
        return DTypePolicyMap.from_config(inner)
    classes = {"DTypePolicy": DTypePolicy, "Policy": DTypePolicy,
               "FloatDTypePolicy": FloatDTypePolicy,
               "QuantizedDTypePolicy": _policies.QuantizedDTypePolicy,
               "Int4DTypePolicy": _policies.Int4DTypePolicy,
               "QuantizedFloat8DTypePolicy": _policies.QuantizedFloat8DTypePolicy}
    if name not in classes:
        raise ValueError(f"dtype_policies.deserialize(config): unknown class_name {name!r}; "
                         f"expected one of {sorted(classes) + ['DTypePolicyMap']}.")
    return classes[name].from_config(inner)


class DTypePolicyMap:
    """Policies by layer path: ``policy_map["encoder/dense"]`` is the policy set for that
    path, else the one whose key (a regular expression) matches the whole path, else
    ``default_policy``.

    Args:
        default_policy: the policy of paths no key matches (anything ``get`` takes); None for
            the global policy. Defaults to ``None``.
        policy_map: a dict ``{path or pattern: policy}``. Defaults to ``None``.

    Raises:
        ValueError: for a DTypePolicyMap as ``default_policy``, a key set twice, a value ``get``
            cannot read, or a path that two patterns match.
        TypeError: for a ``policy_map`` that is not a dict.

    Example:
        >>> policies = numnet.dtype_policies.DTypePolicyMap(default_policy="float32")
        >>> policies["encoder/.*"] = "mixed_float16"
        >>> policies["encoder/dense"].name, policies["decoder"].name
        ('mixed_float16', 'float32')
    """

    def __init__(self, default_policy=None, policy_map=None):
        if isinstance(default_policy, DTypePolicyMap):
            raise ValueError("DTypePolicyMap(default_policy): cannot be a DTypePolicyMap; give "
                             "a policy or its name.")
        if policy_map is not None and not isinstance(policy_map, dict):
            raise TypeError(f"DTypePolicyMap(policy_map): expected a dict {{path: policy}}, "
                            f"given {type(policy_map).__name__}.")
        self._default_policy_arg = default_policy
        self._default_policy = None if default_policy is None else get(default_policy)
        self._policy_map = {key: get(value) for key, value in (policy_map or {}).items()}

    @property
    def default_policy(self) -> DTypePolicy:
        """The policy of paths no key matches (the global policy when none was given)."""
        return self._default_policy or _policies.global_policy()

    @property
    def name(self) -> str:
        return f"map_{self.default_policy.name}"

    @property
    def compute_dtype(self) -> str:
        return self.default_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self.default_policy.variable_dtype

    @property
    def quantization_mode(self):
        return None

    def __getitem__(self, key: str) -> DTypePolicy:
        if key in self._policy_map:
            return self._policy_map[key]
        matches = [pattern for pattern in self._policy_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(f"DTypePolicyMap: the path {key!r} matches several keys {matches}; "
                             "make each path match at most one key.")
        return self._policy_map[matches[0]] if matches else self.default_policy

    def __setitem__(self, key: str, policy) -> None:
        if key in self._policy_map:
            raise ValueError(f"DTypePolicyMap: {key!r} is already set (to "
                             f"{self._policy_map[key]}); delete it first to set it again.")
        try:
            policy = get(policy)
        except ValueError as err:
            raise ValueError(f"DTypePolicyMap[{key!r}]: {err}") from None
        self._policy_map[key] = policy

    def __delitem__(self, key: str):
        return self._policy_map.pop(key)

    def __contains__(self, key) -> bool:
        return key in self._policy_map

    def __len__(self) -> int:
        return len(self._policy_map)

    def __iter__(self):
        return iter(self._policy_map)

    def keys(self):
        return self._policy_map.keys()

    def values(self):
        return self._policy_map.values()

    def items(self):
        return self._policy_map.items()

    def get_config(self) -> dict:
        default = self._default_policy_arg
        if isinstance(default, DTypePolicy):
            default = serialize(default)
        return {"default_policy": default,
                "policy_map": {k: serialize(v) for k, v in self._policy_map.items()}}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None) -> DTypePolicyMap:
        config = dict(config)
        default = config.get("default_policy")
        if isinstance(default, dict):
            default = deserialize(default)
        policy_map = config.get("policy_map") or {}
        if isinstance(policy_map, dict) and policy_map.get("class_name") == "__typed_dict__":
            policy_map = policy_map.get("config", {}).get("value", {})
        return cls(default_policy=default,
                   policy_map={k: get(v) for k, v in policy_map.items()})

    def __repr__(self) -> str:
        default = None if self._default_policy is None else self._default_policy.name
        mapping = [(k, v.name) for k, v in self._policy_map.items()]
        return f"<DTypePolicyMap default_policy={default}, mapping={mapping}>"


NAMES = {"DTypePolicyMap": DTypePolicyMap, "FloatDTypePolicy": FloatDTypePolicy,
         "deserialize": deserialize, "get": get, "serialize": serialize}
for _name, _value in NAMES.items():
    setattr(_policies, _name, _value)
del _name, _value

__all__ = ["DTypePolicyMap", "FloatDTypePolicy", "deserialize", "get", "serialize"]
