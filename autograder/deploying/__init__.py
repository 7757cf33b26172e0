"""Deploying the course for a class: a JupyterHub on one machine (hub, serverenv), Zero to JupyterHub
values (z2jh), the exchange's collector (exchange), Dask workers (daskdeploy, pgserver, trycluster)."""
