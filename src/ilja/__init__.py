"""Ilja (일자리): the operations platform for Seoul's employment-support programs."""

__version__ = "0.1.0"
