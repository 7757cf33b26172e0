"""JupyterHub for a class on one machine: `make hub`, and the hub that tests/autograder/deploying/test_hub.py starts.

Every setting that differs between the two comes from the JSON file named by
RNNLAB_HUB_SETTINGS, which `python -m autograder.deploying.hub` writes (autograder/deploying/hub.py).

- listens on loopback only (the proxy, the hub and every single-user server);
- local Unix users, one per person, logged in with JupyterHub's DummyAuthenticator and one
  shared password: for trying the workflow on one machine, never for a real class;
- single-user servers run as their user, one CPU thread per kernel. A student's server runs
  settings["python"]: the course's package installed (not editable) from the student
  distribution, the students' Jupyter settings (no formgrader, course list or Create
  Assignment) and nbgrader's config (course id, exchange) from settings["config_path"]. The
  instructor's server runs settings["instructor_server"] (the instructor's packages, the
  owner-checked collector) from a folder that the hub opens to the instructor's group only,
  when it starts their server. Nothing is read from the course's repository, which is private.
"""

import json
import os
import pwd
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
c.JupyterHub.load_roles = [
    {
        "name": "course-admin",
        "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "list:users", "read:users"],
        "services": ["course-admin"],
    }
]

# ngshare, when it is the exchange (autograder/deploying/hub.py prepare_state(ngshare=True)): a service
# the hub starts; it asks the hub who each request's token belongs to, and only the course's
# instructors (ngshare's admin: the instructor, who creates the course) see others' work
if S.get("ngshare"):
    NG = S["ngshare"]
    c.JupyterHub.services.append(
        {
            "name": "ngshare",
            "url": f"http://127.0.0.1:{NG['port']}",
            "command": [
                NG["python"],
                "-m",
                "ngshare",
                "--admins",
                NG["admin"],
                "--database",
                f"sqlite:///{NG['folder']}/ngshare.db",
                "--storage",
                f"{NG['folder']}/files/",
            ],
        }
    )

c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [S["python"], "-m", "jupyterhub.singleuser"]
c.Spawner.args = ["--LabApp.expose_app_in_browser=True"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180


def server_environment(server: dict) -> dict:
    return {
        "OMP_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "JUPYTER_CONFIG_PATH": server["config_path"],
        "JUPYTER_PATH": server["data_path"],
        "PATH": f"{Path(server['python']).parent}:/usr/local/bin:/usr/bin:/bin",
        **server.get("env", {}),
    }


# everyone's server is a student's, but the instructor's
c.Spawner.environment = server_environment(
    {
        "python": S["python"],
        "config_path": S["config_path"],
        "data_path": S["data_path"],
        "env": S.get("python_env", {}),
    }
)


def instructor_server(spawner) -> None:
    """Before a server starts: the instructor's gets the instructor's environment, in a folder
    only their group may enter (root's, 0750)."""
    teach = S.get("instructor_server")
    if not teach or spawner.user.name != S["instructor"]:
        return
    os.chown(S["instructor_folder"], 0, pwd.getpwnam(spawner.user.name).pw_gid)
    os.chmod(S["instructor_folder"], 0o750)
    spawner.cmd = [teach["python"], "-m", "jupyterhub.singleuser"]
    spawner.environment = server_environment(teach)


c.Spawner.pre_spawn_hook = instructor_server
