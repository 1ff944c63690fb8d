"""The ``geofront`` command line: a thin skin over the library (see :mod:`geofront.cli.main`)."""
