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

    def page(self, url: str, name: str, params=None):
        """A GET that must answer 200 itself: a redirect (to the sign-in page, say) is a failure."""
        with self.client.get(
            url, params=params, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"answered {response.status_code}")
            return response

    @task(4)
    def search(self):
        self.page("/candidates/", "search with filters", random.choice(SEARCHES))

    @task(3)
    def profile(self):
        pk = random.randint(FIRST_CANDIDATE, FIRST_CANDIDATE + CANDIDATES - 1)
        self.page(f"/candidates/{pk}/", "profile")

    @task(2)
    def board(self):
        self.page(f"/requisitions/{REQUISITION}/board/", "board")

    @task(2)
    def move(self):
        card = random.choice(CARDS)
        read = self.page(f"/api/cards/{card}/", "move: read card")
        if read.status_code != 200:
            return
        with self.client.post(
            f"/cards/{card}/move/",
            {
                "stage": random.choice(STAGES),
                "position": random.randint(0, 30),
                "version": read.json()["version"],
            },
            headers={"X-CSRFToken": os.environ["LOAD_CSRF"], "HX-Request": "true"},
            name="move",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 409:  # another recruiter moved it first: the right answer
                response.success()
            elif response.status_code != 200:
                response.failure(f"answered {response.status_code}")

    @task(2)
    def task_queue(self):
        self.page("/tasks/", "task queue")

    @task(2)
    def api_list(self):
        self.page("/api/candidates/", "API list", {"page": random.randint(1, 50)})
