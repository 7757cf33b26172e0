"""JupyterHub for a class on one machine: `make hub`, and the hub that tests/test_hub.py starts.

Every setting that differs between the two comes from the JSON file named by
RNNLAB_HUB_SETTINGS, which `python -m autograder.hub` writes (autograder/hub.py).

- listens on loopback only (the proxy, the hub and every single-user server);
- local Unix users, one per person, logged in with JupyterHub's DummyAuthenticator and one
  shared password: for trying the workflow on one machine, never for a real class;
- single-user servers run as their user with the course's own Python packages
  (settings["python"]), one CPU thread per kernel, and nbgrader's config from
  settings["config_path"] (the course id, the exchange root, the owner-checked collector).
"""
import json
import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)
S = json.loads(Path(os.environ["RNNLAB_HUB_SETTINGS"]).read_text())
STATE = Path(S["state"])

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = S["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = S["hub_port"]
c.ConfigurableHTTPProxy.command = [S["proxy"]]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{S['proxy_api_port']}"
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True
# the REST API answers "pending" at once instead of waiting up to 10 s for each server
c.JupyterHub.tornado_settings = {"slow_spawn_timeout": 0}

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = S["password"]
c.Authenticator.allowed_users = set(S["students"]) | {S["instructor"]}
c.Authenticator.admin_users = {S["instructor"]}

# a service whose token drives the hub's REST API (the test; `make hub` prints it)
c.JupyterHub.services = [{"name": "course-admin", "api_token": S["api_token"]}]
c.JupyterHub.load_roles = [{
    "name": "course-admin",
    "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "list:users", "read:users"],
    "services": ["course-admin"],
}]

# ngshare, when it is the exchange (autograder/hub.py prepare_state(ngshare=True)): a service
# the hub starts; it asks the hub who each request's token belongs to, and only the course's
# instructors (ngshare's admin: the instructor, who creates the course) see others' work
if S.get("ngshare"):
    NG = S["ngshare"]
    c.JupyterHub.services.append({
        "name": "ngshare",
        "url": f"http://127.0.0.1:{NG['port']}",
        "command": [NG["python"], "-m", "ngshare", "--admins", NG["admin"],
                    "--database", f"sqlite:///{NG['folder']}/ngshare.db", "--storage", f"{NG['folder']}/files/"],
    })

c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [S["python"], "-m", "jupyterhub.singleuser"]
c.Spawner.args = ["--LabApp.expose_app_in_browser=True"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.Spawner.environment = {
    "OMP_NUM_THREADS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    "JUPYTER_CONFIG_PATH": S["config_path"],
    "JUPYTER_PATH": S["data_path"],
    "PATH": f"{Path(S['python']).parent}:/usr/local/bin:/usr/bin:/bin",
    **S.get("python_env", {}),
}
