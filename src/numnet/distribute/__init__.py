"""Data-parallel training over MPI: ``MPIStrategy`` (needs ``pip install 'numnet[mpi]'``).

mpi4py is imported when an MPIStrategy is created, not when this package is.
"""

from __future__ import annotations

from .mpi import MPIStrategy

__all__ = ["MPIStrategy"]
