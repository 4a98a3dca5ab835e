"""The referrals inbox in a browser: each status dropdown shows its whole label, on a laptop and a phone."""

import pytest

from candidates.models import Referral
from tests.e2e.conftest import login, screenshot
from tests.factories import RecruiterFactory, ReferralFactory

pytestmark = pytest.mark.e2e

# The width the select's text needs: the widest option label, measured in the select's own font.
TEXT_FITS = """(select) => {
  const context = document.createElement("canvas").getContext("2d");
  context.font = getComputedStyle(select).font;
  const widest = Math.max(...[...select.options].map((o) => context.measureText(o.text).width));
  const style = getComputedStyle(select);
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {widest, room};
}"""


@pytest.mark.parametrize("width", [1440, 390])
def test_referral_status_dropdowns_are_not_clipped(live_server, page, width):
    RecruiterFactory(username="e2e-recruiter")
    for status in (Referral.Status.REVIEWING, Referral.Status.INTERVIEWING):
        ReferralFactory(status=status, reason="Knows the platform team well and ships calmly under pressure.")
    page.set_viewport_size({"width": width, "height": 844 if width < 500 else 900})
    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/referrals/")

    selects = page.locator("select[name=status]")
    assert selects.count() == 2
    for n in range(2):
        fit = selects.nth(n).evaluate(TEXT_FITS)
        assert fit["widest"] <= fit["room"] + 1, fit
    screenshot(page, f"referrals-inbox-{width}")
