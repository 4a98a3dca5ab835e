"""The recruiters of `python -m bench load` (locust): search with filters, profiles, the board, card moves, the
task queue and the API list. bench/load.py gives the ids, the session and the CSRF token in the environment."""

import os
import random

from locust import HttpUser, between, task

CANDIDATES = int(os.environ["LOAD_CANDIDATES"])
REQUISITION = os.environ["LOAD_REQUISITION"]
CARDS = [int(pk) for pk in os.environ["LOAD_CARDS"].split(",")]
STAGES = os.environ["LOAD_STAGES"].split(",")
FIRST_CANDIDATE = int(os.environ["LOAD_FIRST_CANDIDATE"])
SEARCHES = [
    {"q": "engineer", "seeking_status": "passive"},
    {"q": "python", "country": "DE"},
    {"q": "data", "seeking_status": "active", "min_experience": "5"},
    {"q": "product manager"},
]


class Recruiter(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.client.cookies.set("sessionid", os.environ["LOAD_SESSION"])
        self.client.cookies.set("csrftoken", os.environ["LOAD_CSRF"])

    @task(4)
    def search(self):
        self.client.get("/candidates/", params=random.choice(SEARCHES), name="search with filters")

    @task(3)
    def profile(self):
        pk = random.randint(FIRST_CANDIDATE, FIRST_CANDIDATE + CANDIDATES - 1)
        self.client.get(f"/candidates/{pk}/", name="profile")

    @task(2)
    def board(self):
        self.client.get(f"/requisitions/{REQUISITION}/board/", name="board")

    @task(2)
    def move(self):
        card = random.choice(CARDS)
        version = self.client.get(f"/api/cards/{card}/", name="move: read card").json()["version"]
        with self.client.post(
            f"/cards/{card}/move/",
            {"stage": random.choice(STAGES), "position": random.randint(0, 30), "version": version},
            headers={"X-CSRFToken": os.environ["LOAD_CSRF"], "HX-Request": "true"},
            name="move",
            catch_response=True,
        ) as response:
            if response.status_code == 409:  # another recruiter moved it first: the right answer
                response.success()

    @task(2)
    def task_queue(self):
        self.client.get("/tasks/", name="task queue")

    @task(2)
    def api_list(self):
        self.client.get("/api/candidates/", params={"page": random.randint(1, 50)}, name="API list")
