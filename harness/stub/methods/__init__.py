"""One module per Aria method or small group of methods; routes.py names them all."""
