"""Build the compiled kernel; everything else is in pyproject.toml."""

from Cython.Build import cythonize
from setuptools import Extension, setup

kernel = Extension("rebound_nlp._kernel", ["src/rebound_nlp/_kernel.pyx"],
                   extra_compile_args=["-O3"])
setup(ext_modules=cythonize([kernel]))
