"""Write data/samples/mailbox.mbox: a small invented mailbox for demos and tests.

Every company, person and message below is made up for rebound_nlp.  The
mailbox mixes job rejections of many kinds with mail that only looks like
one, and the encodings real mailboxes contain (HTML-only, quoted-printable
windows-1252, base64 UTF-8, an RFC 2047 subject, a PDF attachment).  Output
is byte-for-byte reproducible.

Usage: python data/samples/make_samples.py [OUT]   (default: mailbox.mbox next to this file)
"""

# The sample text deliberately uses typographic quotes and dashes (they are what
# the windows-1252 and UTF-8 messages exist to carry).
# ruff: noqa: RUF001

from __future__ import annotations

import mailbox
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ME = "Jordan Avery <jordan.avery@mail.example>"
BST = timezone(timedelta(hours=1))
EDT = timezone(timedelta(hours=-4))
PDT = timezone(timedelta(hours=-7))
CEST = timezone(timedelta(hours=2))


@dataclass
class Sample:
    """One message of the sample; ``kind`` is for readers of this script, not for the mail."""

    kind: str
    sender: str
    subject: str
    date: datetime
    text: str = ""
    html: str = ""
    charset: str = "utf-8"
    cte: str | None = None
    attachment: tuple[str, bytes] | None = None
    headers: dict[str, str] = field(default_factory=dict)


# "-- " (with the space) on its own line starts a signature by convention.
MAYA_SIGNATURE = "-- \nMaya Lindqvist | Talent Partner\nBrightwater Analytics\n"

FAKE_PDF = b"""%PDF-1.4
% Invented offer letter for the rebound_nlp sample mailbox
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj
4 0 obj << /Length 58 >> stream
BT /F1 12 Tf 72 720 Td (Offer letter: terms and conditions) Tj ET
endstream endobj
trailer << /Root 1 0 R >>
%%EOF
"""

SAMPLES = [
    Sample(
        kind="acknowledgement",
        sender='"Brightwater Analytics Careers" <no-reply@brightwater.myworkday.example>',
        subject="We've received your application - Data Analyst (R-2291)",
        date=datetime(2024, 9, 2, 8, 14, 9, tzinfo=BST),
        text="""\
Dear Jordan,

Thank you for applying for the Data Analyst role (R-2291) at Brightwater
Analytics. This note confirms that your application has arrived safely.

Our recruiting team reads every application. If your experience matches what
the team is looking for, someone will be in touch within two weeks to arrange
a first conversation.

You can check the status of your application at any time by signing in to
your candidate account.

Kind regards,
Brightwater Analytics Talent Acquisition

This is an automated message; replies to this address are not monitored.
""",
    ),
    Sample(
        kind="rejection: ATS form letter",
        sender='"Kestrel Logistics Recruiting" <no-reply@hire.lever.example>',
        subject="Your application to Kestrel Logistics",
        date=datetime(2024, 9, 3, 17, 41, 22, tzinfo=UTC),
        text="""\
Hi Jordan,

Thank you for your interest in the Operations Analyst position at Kestrel
Logistics and for the time you spent applying.

We received a large number of applications for this role. After careful
consideration, we have decided to move forward with other candidates whose
experience more closely matches our current needs.

We will keep your details on file, and we wish you every success in your job
search.

Best regards,
The Kestrel Logistics Recruiting Team
""",
        html="""\
<html><body style="font-family: Arial, sans-serif">
<p>Hi Jordan,</p>
<p>Thank you for your interest in the Operations Analyst position at Kestrel
Logistics and for the time you spent applying.</p>
<p>We received a large number of applications for this role. After careful
consideration, we have decided to move forward with other candidates whose
experience more closely matches our current needs.</p>
<p>We will keep your details on file, and we wish you every success in your job
search.</p>
<p>Best regards,<br>The Kestrel Logistics Recruiting Team</p>
</body></html>
""",
    ),
    Sample(
        kind="job-alert digest",
        sender='"JobNest Alerts" <alerts@jobnest.example>',
        subject='12 new jobs for "data analyst" near Leeds',
        date=datetime(2024, 9, 5, 6, 0, 0, tzinfo=UTC),
        text="""\
Hi Jordan, here are this week's new jobs for your saved search "data analyst"
(within 25 miles of Leeds).

Data Analyst - Fernhill Energy - Leeds - £34,000-£38,000
Junior BI Developer - Copperleaf Insurance - Bradford - £30,000
Insights Analyst - Pebble & Vine Retail - Remote (UK)
Reporting Analyst - Northgate Housing Trust - Wakefield

...and 8 more on JobNest.

Not what you are looking for? Change your alert settings or unsubscribe at any
time.
JobNest, 4 Lantern Yard, Leeds
""",
        html="""\
<html><body>
<p>Hi Jordan, here are this week's new jobs for your saved search
<b>"data analyst"</b> (within 25 miles of Leeds).</p>
<ul>
<li><a href="https://jobnest.example/j/1">Data Analyst</a>
  - Fernhill Energy - Leeds - £34,000-£38,000</li>
<li><a href="https://jobnest.example/j/2">Junior BI Developer</a>
  - Copperleaf Insurance - Bradford - £30,000</li>
<li><a href="https://jobnest.example/j/3">Insights Analyst</a>
  - Pebble &amp; Vine Retail - Remote (UK)</li>
<li><a href="https://jobnest.example/j/4">Reporting Analyst</a>
  - Northgate Housing Trust - Wakefield</li>
</ul>
<p>...and 8 more on JobNest.</p>
<p style="font-size: 11px">Not what you are looking for? Change your alert settings or
unsubscribe at any time.<br>JobNest, 4 Lantern Yard, Leeds</p>
</body></html>
""",
    ),
    Sample(
        kind="rejection: curt and cold, with a legal footer",
        sender="careers@orrinsystems.example",
        subject="Application status",
        date=datetime(2024, 9, 6, 11, 2, 47, tzinfo=EDT),
        text="""\
Jordan,

The Junior Data Engineer position has been filled. We will not be proceeding
with your application.

Orrin Systems HR

CONFIDENTIALITY NOTICE: This email and any attachments are confidential and
intended solely for the addressee. If you have received it in error, please
delete it and notify the sender.
""",
    ),
    Sample(
        kind="interview invitation",
        sender="Maya Lindqvist <maya.lindqvist@brightwater-analytics.example>",
        subject="Data Analyst - first interview",
        date=datetime(2024, 9, 9, 10, 25, 0, tzinfo=BST),
        text="""\
Hi Jordan,

Thanks for your application for the Data Analyst role - we enjoyed reading it.
I'd like to invite you to a 45-minute video interview with me and Tom Ferris,
one of our senior analysts.

Would one of these slots work for you?
 - Thursday 12 September, 10:00
 - Thursday 12 September, 14:30
 - Friday 13 September, 11:00

We'll talk through your experience and one project you are proud of; there is
no technical test at this stage.

Best wishes,
Maya
""" + MAYA_SIGNATURE,
    ),
    Sample(
        kind="rejection: HTML only",
        sender='"Tallow & Finch Hiring Team" <no-reply@greenhouse.example>',
        subject="Tallow & Finch - Marketing Data Analyst",
        date=datetime(2024, 9, 11, 15, 30, 12, tzinfo=PDT),
        html="""\
<!DOCTYPE html>
<html><head><meta charset="utf-8">
<style>body { font-family: Georgia, serif; color: #222 } .small { font-size: 11px }</style>
</head><body>
<table width="600" align="center"><tr><td>
<img src="https://tallowfinch.example/logo.png" alt="Tallow &amp; Finch">
<p>Dear Jordan,</p>
<p>Thank you for applying for the <strong>Marketing Data Analyst</strong> role at
Tallow &amp; Finch.</p>
<p>We have reviewed your application carefully and, unfortunately, we will not be
taking it further at this time. We had many strong applicants and could only
invite a few of them to interview.</p>
<p>We appreciate your interest in Tallow &amp; Finch and wish you the best of luck.</p>
<p>Warm regards,<br>The Tallow &amp; Finch Talent Team</p>
<p class="small">You are receiving this email because you applied for a job at
Tallow &amp; Finch. <a href="https://tallowfinch.example/privacy">Privacy notice</a></p>
</td></tr></table>
</body></html>
""",
    ),
    Sample(
        kind="rescheduling note that says 'unfortunately'",
        sender="Maya Lindqvist <maya.lindqvist@brightwater-analytics.example>",
        subject="Re: Data Analyst - second interview",
        date=datetime(2024, 9, 13, 16, 48, 30, tzinfo=BST),
        text="""\
Hi Jordan,

Unfortunately Tom is off sick on Tuesday, so we need to move your second
interview. Could you do Thursday 19 September at 13:00 instead? Same format:
a 30-minute case study on our sample churn data, then questions from the
panel.

Sorry for the short notice, and thanks for being flexible.

Maya
""",
    ),
    Sample(
        kind="rejection: invitation to reapply (quoted-printable, windows-1252)",
        sender="Siobhán Kelly <s.kelly@pebbleandvine.example>",
        subject="Insights Analyst – your application",
        date=datetime(2024, 9, 16, 9, 5, 51, tzinfo=BST),
        charset="windows-1252",
        cte="quoted-printable",
        text="""\
Dear Jordan,

Thank you for applying for the Insights Analyst role at Pebble & Vine – and for
the thoughtful cover letter about your café loyalty-card project.

We’ve decided not to progress your application this time. The role needs at
least two years’ experience with retail forecasting, and the other shortlisted
candidates had more of it.

We’d genuinely like to hear from you again, though. We open junior analyst
roles every spring, and I’d encourage you to reapply then – please mention
this email so I can look out for your application.

All the best,
Siobhán Kelly
Talent Lead, Pebble & Vine Retail
""",
    ),
    Sample(
        kind="conference-talk rejection (not a job)",
        sender='"PyData Riverside Programme Committee" <programme@pydata-riverside.example>',
        subject="Your talk proposal for PyData Riverside 2024",
        date=datetime(2024, 9, 18, 20, 12, 3, tzinfo=UTC),
        text="""\
Dear Jordan,

Thank you for submitting "Cleaning loyalty-card data with pandas" to PyData
Riverside 2024. We received 214 proposals for 30 speaking slots this year.

Unfortunately, we are unable to accept your talk for the programme. Reviewers
liked the topic but felt the outline needed a clearer take-away for
intermediate users.

We'd love to see you at the conference anyway - all proposers can register
with the code PROPOSER24 for 20% off - and we hope you will submit a talk
again next year.

The PyData Riverside Programme Committee
""",
    ),
    Sample(
        kind="rejection after interview, offering a feedback call (base64, UTF-8)",
        sender="Zoë Marchetti <zoe.marchetti@copperleaf-insurance.example>",
        subject="Junior BI Developer – interview outcome",
        date=datetime(2024, 9, 20, 14, 20, 40, tzinfo=BST),
        cte="base64",
        text="""\
Hi Jordan,

Thank you for coming in on Tuesday to meet Raj and me — we both enjoyed the
conversation.

I'm sorry to tell you that we've decided to offer the Junior BI Developer role
to another candidate, who had more hands-on experience with Power BI and our
data warehouse tools.

I know that's disappointing to hear after an interview. If it would help, I'm
very happy to set up a 20-minute call next week to talk you through the
panel's feedback in more detail — just reply with a couple of times that suit
you.

Kind regards,
Zoë

Zoë Marchetti · Talent Acquisition Partner · Copperleaf Insurance
""",
    ),
    Sample(
        kind="rejection: visa / location mismatch (RFC 2047 subject)",
        sender='"Søndergaard & Høj Recruitment" <rekruttering@sondergaard-hoj.example>',
        subject="Your application to Søndergaard & Høj – Data Analyst, Copenhagen",
        date=datetime(2024, 9, 24, 13, 7, 18, tzinfo=CEST),
        text="""\
Dear Jordan,

Thank you for your interest in the Data Analyst position in our Copenhagen
office. We have read your application with interest.

Unfortunately, this role is based in Copenhagen full time, and we are not able
to offer visa sponsorship or relocation support for it. As you are currently
based in the UK without the right to work in Denmark, we cannot take your
application further.

If you obtain the right to work in the EU, or if a remote position opens in
our UK team, we would be glad to consider you.

With kind regards,
Søndergaard & Høj Recruitment
""",
    ),
    Sample(
        kind="rejection: offer withdrawn, role frozen",
        sender="Daniel Osei <daniel.osei@marrowhealth.example>",
        subject="Update on the Clinical Data Analyst offer",
        date=datetime(2024, 9, 27, 17, 55, 9, tzinfo=BST),
        text="""\
Dear Jordan,

I'm writing with news I had hoped not to have to share. Following a budget
review this week, Marrow Health has frozen all new hiring until at least
April, and the Clinical Data Analyst position has been put on hold.

This means we have to withdraw the offer we made to you on 19 September. I'm
very sorry: this decision has nothing to do with you or your interviews,
which the team rated highly.

If the role reopens in the new financial year, I will contact you first. In
the meantime, I'm glad to act as a reference for you.

With apologies and best wishes,
Daniel Osei
Head of Data, Marrow Health
""",
    ),
    Sample(
        kind="rejection: warm and personal after the final interview, concrete feedback",
        sender="Maya Lindqvist <maya.lindqvist@brightwater-analytics.example>",
        subject="Data Analyst - final interview outcome",
        date=datetime(2024, 10, 1, 11, 30, 27, tzinfo=BST),
        text="""\
Hi Jordan,

Thank you for all the time you gave us over the last three weeks, and
especially for the final interview on Thursday. The panel really enjoyed
meeting you. I tried to call, but couldn't reach you, so here it is in writing.

We have decided to offer the role to another candidate. It was a close
decision, and I want to pass on the panel's specific feedback, because I think
it will be useful:

- SQL: in the live exercise you reached a correct answer, but you were less
  fluent with joins across several tables and with window functions than the
  role needs from day one. Practising ranking and running-total queries would
  make a real difference.
- Presentation: your churn analysis was well structured and your charts were
  clear, but it ran about ten minutes over, which left little time for
  questions. Opening with your recommendation would have helped.
- Strengths: your stakeholder examples were excellent, and everyone commented
  on how clearly you explained your assumptions.

I'd be very happy to hear from you when we next hire for the team.

Warm wishes,
Maya
""" + MAYA_SIGNATURE + "Tel: +44 113 496 0000\n",
    ),
    Sample(
        kind="rejection forwarded by the user to themselves",
        sender=ME,
        subject="Fwd: Product Analyst application - Quarry Labs",
        date=datetime(2024, 10, 4, 8, 2, 44, tzinfo=BST),
        text="""\
Saving this one for the tracker. Ask Ellis about the spring intake?

---------- Forwarded message ---------
From: Ellis Park <ellis.park@quarrylabs.example>
Date: Thu, 3 Oct 2024 at 16:12
Subject: Product Analyst application - Quarry Labs
To: Jordan Avery <jordan.avery@mail.example>


Hi Jordan,

Thanks for completing the take-home task for the Product Analyst role. We have
now reviewed all submissions, and I'm afraid we won't be moving you forward to
the final round.

The reviewers liked your write-up, but your A/B test analysis didn't account
for the unequal group sizes, which was the main thing the task was designed to
test.

Thanks again for your time, and good luck with your search.

Ellis Park
Quarry Labs
""",
    ),
    Sample(
        kind="job offer with a PDF attachment",
        sender="Grace Whitfield <grace.whitfield@fernhill-energy.example>",
        subject="Offer of employment - Data Analyst",
        date=datetime(2024, 10, 8, 12, 10, 0, tzinfo=BST),
        attachment=("Fernhill_Energy_offer_letter.pdf", FAKE_PDF),
        text="""\
Dear Jordan,

Congratulations! Following your interviews, we are delighted to offer you the
position of Data Analyst at Fernhill Energy, starting on Monday 4 November.

Your offer letter is attached, with the salary (£36,500), benefits and
contract terms. Please read it carefully and let me know if you have any
questions; I'd be happy to go through it on a call.

We'd be grateful if you could confirm whether you accept by Friday 18 October.
We are all looking forward to working with you.

Best regards,
Grace Whitfield
People Team, Fernhill Energy
""",
    ),
    Sample(
        kind="rejection replying to the user's check-in (quoted earlier mail)",
        sender="Sam Whitaker <sam.whitaker@northgatehousing.example>",
        subject="Re: Reporting Analyst - checking in",
        date=datetime(2024, 10, 11, 10, 44, 13, tzinfo=BST),
        headers={
            "In-Reply-To": "<CAJ7x2-checkin-0710@mail.example>",
            "References": "<CAJ7x2-checkin-0710@mail.example>",
        },
        text="""\
Hi Jordan,

Thanks for checking in, and sorry for the slow reply. I'm afraid the panel has
decided not to take your application forward for the Reporting Analyst role;
we have offered it to an internal candidate.

Thank you for your patience during a long process, and best of luck.

Sam

On Mon, 7 Oct 2024 at 09:30, Jordan Avery <jordan.avery@mail.example> wrote:
> Hi Sam,
>
> I hope you're well. I interviewed for the Reporting Analyst role on
> 23 September and wanted to ask whether there is any news yet.
>
> Many thanks,
> Jordan
""",
    ),
]


def build(sample: Sample, number: int) -> EmailMessage:
    """The email for ``sample``, with fixed MIME boundaries so output is reproducible."""
    msg = EmailMessage()
    msg["From"] = sample.sender
    msg["To"] = ME
    msg["Subject"] = sample.subject  # non-ASCII subjects come out RFC 2047 encoded
    msg["Date"] = format_datetime(sample.date)
    msg["Message-ID"] = f"<{sample.date:%Y%m%d%H%M%S}.{number:02d}@sample.rebound.example>"
    for name, value in sample.headers.items():
        msg[name] = value
    if sample.text:
        msg.set_content(sample.text, charset=sample.charset, cte=sample.cte)
        if sample.html:
            msg.add_alternative(sample.html, subtype="html")
    else:
        msg.set_content(sample.html, subtype="html")
    if sample.attachment:
        filename, data = sample.attachment
        msg.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    for depth, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"=_rebound_sample_{number:02d}_{depth}")
    return msg


def write_mbox(path: Path) -> int:
    """Write every sample to a fresh mbox at ``path``; return the number of messages."""
    path.unlink(missing_ok=True)
    box = mailbox.mbox(path)
    try:
        for number, sample in enumerate(SAMPLES, start=1):
            message = mailbox.mboxMessage(build(sample, number))
            address = sample.sender.rpartition("<")[2].rstrip(">")
            message.set_from(address, sample.date.astimezone(UTC).timetuple())
            box.add(message)
        box.flush()
    finally:
        box.close()
    return len(SAMPLES)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("mailbox.mbox")
    count = write_mbox(out)
    print(f"wrote {count} messages to {out}")


if __name__ == "__main__":
    main()
