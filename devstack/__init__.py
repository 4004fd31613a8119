"""The local stack: the whole of Satu Pintu on one machine, emulated by moto, built from template.yaml."""
