"""Writes of the placement app, one module per concern: the wizard, evaluation of a registered
person, verification against the registries, the declaration, the federation's review, the
certification and the hand-off to tax. Import the module you need (`from placement.services import
wizard`); nothing is re-exported here, so the import graph stays one-way."""
