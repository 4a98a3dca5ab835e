"""Candidate.skill_keys, what the skills filter reads: kept in step by every service that changes skills."""

from candidates import merge, privacy, services
from candidates.models import Candidate
from candidates.search import search_candidates
from candidates.search_documents import skill_keys_for
from tests.factories import CandidateFactory


def test_keys_are_lowercased_sorted_unique_and_empty_for_none():
    assert skill_keys_for(["SQL", "Python", "python", " ", "C|C++"]) == "|c c++|python|sql|"
    assert skill_keys_for([]) == ""


def test_create_and_update_keep_the_keys(recruiter):
    ada = services.create_candidate(by=recruiter, first_name="Ada", skills=["Python", "SQL"])
    assert Candidate.objects.get(pk=ada.pk).skill_keys == "|python|sql|"
    services.update_candidate(candidate=ada, by=recruiter, skills=["Rust"])
    assert Candidate.objects.get(pk=ada.pk).skill_keys == "|rust|"
    assert list(search_candidates({"skills": "rust"})) == [ada]
    assert not search_candidates({"skills": "python"}).exists()


def test_a_merge_keeps_both_peoples_skills(recruiter):
    primary = CandidateFactory(first_name="Ada", skills=["Python"])
    duplicate = CandidateFactory(first_name="Ada", skills=["SQL"])
    merge.merge_candidates(primary=primary, duplicate=duplicate, by=recruiter)
    assert Candidate.objects.get(pk=primary.pk).skill_keys == "|python|sql|"
    assert list(search_candidates({"skills": "python, sql", "skills_mode": "all"})) == [primary]


def test_an_erased_person_keeps_no_skill_keys(admin_user):
    ada = CandidateFactory(first_name="Ada", skills=["Python"])
    privacy.erase_candidate(candidate=ada, by=admin_user)
    assert Candidate.objects.get(pk=ada.pk).skill_keys == ""


def test_a_skill_is_matched_whole_not_as_part_of_another(recruiter):
    CandidateFactory(first_name="Ada", skills=["PostgreSQL"])
    CandidateFactory(first_name="Grace", skills=["SQL"])
    assert [c.first_name for c in search_candidates({"skills": "sql"})] == ["Grace"]
