"""Deploying the course for a class: a JupyterHub on one machine (hub, serverenv), the checked
Zero to JupyterHub values (z2jh), nbgrader's exchange collected without trusting a folder
(exchange), the Dask grading workers' manifest (daskdeploy), a throwaway PostgreSQL
gradebook (pgserver) and cluster grading tried on one machine with it (trycluster)."""
