"""Write data/samples/jobsearch.mbox: three months of one invented person's job search.

Every company, person, platform and message below is made up for rebound_nlp.
Robin Okafor applies to a dozen employers between January and April 2025.
Some answer through hiring platforms that send from no-reply addresses, one
has two of Robin's applications open for different roles, some threads run
from acknowledgement through assessment and interviews to an offer or a
rejection, two applications are still open and one never gets an answer.
Everyday mail that has nothing to do with jobs is mixed in.

Each message records what a careful reader would say about it (``kind``,
``employer``, ``role``), so tests can check the analysis against it.  Output is
byte-for-byte reproducible.

Usage: python data/samples/make_jobsearch.py [OUT]   (default: jobsearch.mbox next to this file)
"""

from __future__ import annotations

import mailbox
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ME = "Robin Okafor <robin.okafor@mail.example>"
GMT = UTC
CET = timezone(timedelta(hours=1))
EST = timezone(timedelta(hours=-5))

#: Hiring platforms of this sample (invented): they send on employers' behalf.
HIRELOOP = "no-reply@orrinsystems.hireloop.example"
TALENTDESK = "noreply@mail.talentdesk.example"
JOBFORGE = "no-reply@apply.jobforge.example"
RECRUITBASE = "noreply@notify.recruitbase.example"
TOMASZ = "Tomasz Wierzbicki <tomasz.wierzbicki@lumenandhart.example>"


@dataclass
class Sample:
    """One message, with what a careful reader would say about it."""

    kind: str  # rejection, acknowledgement, interview, assessment, offer, other_job, not_job
    employer: str  # "" when the message is about no employer
    role: str  # "" when the message does not name one
    sender: str
    subject: str
    date: datetime
    text: str = ""
    html: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def _d(month: int, day: int, hour: int, minute: int, tz: timezone = GMT) -> datetime:
    return datetime(2025, month, day, hour, minute, 0, tzinfo=tz)


SAMPLES = [
    # ------------------------------------------------------------ Orrin Systems, two roles
    Sample(
        "acknowledgement", "Orrin Systems", "Backend Engineer",
        f'"Orrin Systems via HireLoop" <{HIRELOOP}>',
        "Application received: Backend Engineer (REQ-4471)",
        _d(1, 6, 9, 12),
        """\
Hi Robin,

Thanks for applying for the Backend Engineer role at Orrin Systems. Your
application is in, and our engineering recruiters will look at it over the
next ten working days.

You can follow its progress from your HireLoop candidate page.

The Orrin Systems Talent Team

Sent by HireLoop on behalf of Orrin Systems. Please do not reply to this email.
""",
    ),
    Sample(
        "acknowledgement", "Orrin Systems", "Data Platform Engineer",
        f'"Orrin Systems via HireLoop" <{HIRELOOP}>',
        "Application received: Data Platform Engineer (REQ-4502)",
        _d(1, 8, 18, 40),
        """\
Hi Robin,

Thanks for applying for the Data Platform Engineer role at Orrin Systems. Your
application is in, and our engineering recruiters will look at it over the
next ten working days.

The Orrin Systems Talent Team

Sent by HireLoop on behalf of Orrin Systems. Please do not reply to this email.
""",
    ),
    Sample(
        "assessment", "Orrin Systems", "Backend Engineer",
        f'"Orrin Systems via HireLoop" <{HIRELOOP}>',
        "Next step for your Backend Engineer application: coding exercise",
        _d(1, 14, 10, 5),
        """\
Hi Robin,

Good news: the team would like to learn more about you. The next step for the
Backend Engineer position at Orrin Systems is a short coding exercise.

It takes about 90 minutes, and you can start it any time in the next five
days from your candidate page. You will build a small rate-limited HTTP
service; any language is fine.

Good luck!
The Orrin Systems Talent Team
""",
    ),
    Sample(
        "rejection", "Orrin Systems", "Data Platform Engineer",
        f'"Orrin Systems via HireLoop" <{HIRELOOP}>',
        "Your application for Data Platform Engineer",
        _d(1, 21, 16, 30),
        """\
Hi Robin,

Thank you for your interest in the Data Platform Engineer position at Orrin
Systems. We received a very large number of applications, and after careful
review we have decided to move forward with candidates whose experience more
closely matches the role.

We wish you the best in your search.

The Orrin Systems Talent Team
""",
    ),
    Sample(
        "interview", "Orrin Systems", "Backend Engineer",
        "Priya Raman <priya.raman@orrin-systems.example>",
        "Interview invitation",
        _d(1, 23, 11, 20),
        """\
Hi Robin,

Thanks for your coding exercise, which the team enjoyed reviewing. I'd like to
invite you to a technical interview for the Backend Engineer role: an hour
with two of our engineers, on design and on the exercise you submitted.

Could you do Tuesday 28 January at 14:00, or Wednesday 29 January at 10:00?

Best,
Priya Raman
Engineering Recruiter, Orrin Systems
""",
    ),
    Sample(
        "interview", "Orrin Systems", "",
        "Priya Raman <priya.raman@orrin-systems.example>",
        "Re: Interview invitation",
        _d(1, 24, 9, 2),
        """\
Hi Robin,

Tuesday at 14:00 is booked. You'll get a video link the day before. Nothing to
prepare beyond having your exercise code to hand.

Priya
""",
    ),
    Sample(
        "rejection", "Orrin Systems", "Backend Engineer",
        "Priya Raman <priya.raman@orrin-systems.example>",
        "Backend Engineer - interview outcome",
        _d(2, 7, 15, 45),
        """\
Hi Robin,

Thank you for taking the time to interview with us last week. I'm sorry to
let you know that we have decided not to move forward with your application
for the Backend Engineer role.

The panel liked your exercise and how clearly you talked about trade-offs.
The main gap was system design at scale: when the discussion moved to caching
and queueing across several services, your answers stayed quite general.
Some of your answers also ran long, which left less time for the design
questions.

If it would help, I'm happy to arrange a short call to go through the
feedback in more detail.

All the best,
Priya
""",
    ),
    # ------------------------------------------------------------ Lumen & Hart, to an offer
    Sample(
        "acknowledgement", "Lumen & Hart", "Product Analyst",
        '"Lumen & Hart Careers" <careers@lumenandhart.example>',
        "Thanks for applying to Lumen & Hart",
        _d(1, 9, 8, 15),
        """\
Dear Robin,

Thank you for applying for the Product Analyst role at Lumen & Hart. We have
received your application and will be in touch within two weeks.

Kind regards,
Lumen & Hart Careers
""",
    ),
    Sample(
        "interview", "Lumen & Hart", "Product Analyst",
        TOMASZ,
        "Product Analyst - first interview",
        _d(1, 20, 13, 0),
        """\
Hi Robin,

I lead the product analytics team at Lumen & Hart, and I'd love to talk to you
about the Product Analyst role. Would a 45-minute video call this Friday or
next Monday work? We'll talk about your experience and how you approach an
open-ended product question.

Best wishes,
Tomasz
""",
    ),
    Sample(
        "interview", "Lumen & Hart", "Product Analyst",
        TOMASZ,
        "Re: Product Analyst - first interview",
        _d(1, 22, 17, 10),
        """\
Hi Robin,

Unfortunately something has come up on Friday. Could we move our call to
Monday 27 January at 11:00 instead? Sorry for the change.

Tomasz
""",
    ),
    Sample(
        "assessment", "Lumen & Hart", "Product Analyst",
        TOMASZ,
        "Product Analyst - case study",
        _d(2, 3, 10, 30),
        """\
Hi Robin,

Thanks again for Monday's conversation; we'd like you to go on to the next
stage. Attached is a short case study on our subscription data. Please send
back a few slides with your analysis and a recommendation by Friday 14
February. It should take around three hours; please don't spend more.

Tomasz
""",
    ),
    Sample(
        "interview", "Lumen & Hart", "Product Analyst",
        TOMASZ,
        "Re: Product Analyst - case study",
        _d(2, 17, 9, 45),
        """\
Hi Robin,

Thank you for the case study, which was a pleasure to read. We'd like to
invite you to a final interview to present it to the panel: Tuesday 25
February at 15:00, at our office on Canal Street. Please plan for 90 minutes.

Tomasz
""",
    ),
    Sample(
        "offer", "Lumen & Hart", "Product Analyst",
        TOMASZ,
        "Offer of employment - Product Analyst",
        _d(2, 28, 16, 0),
        """\
Dear Robin,

I'm delighted to offer you the position of Product Analyst at Lumen & Hart.
The panel was impressed by your case study presentation and by the questions
you asked us.

Our people team will send the contract and details of salary and benefits
tomorrow. Do call me if you would like to talk anything through before you
decide; we'd be grateful for an answer by Friday 7 March.

Congratulations, and I hope you'll join us.
Tomasz
""",
    ),
    Sample(
        "other_job", "Lumen & Hart", "Product Analyst",
        ME,
        "Re: Offer of employment - Product Analyst",
        _d(3, 3, 8, 55),
        """\
Dear Tomasz,

Thank you so much. I'm very happy to accept the offer for the Product Analyst
role at Lumen & Hart, and I look forward to receiving the contract.

Best wishes,
Robin
""",
    ),
    # ------------------------------------------------------------ Kestrel Freight via TalentDesk
    Sample(
        "acknowledgement", "Kestrel Freight", "Operations Analyst",
        f'"TalentDesk" <{TALENTDESK}>',
        "We have received your application",
        _d(1, 10, 7, 30),
        """\
Hello Robin,

Thank you for applying for the Operations Analyst position at Kestrel Freight.
This email confirms that your application has been received.

The Kestrel Freight Recruitment Team

This message was sent by TalentDesk. Replies to this address are not read.
""",
    ),
    Sample(
        "rejection", "Kestrel Freight", "Operations Analyst",
        f'"TalentDesk" <{TALENTDESK}>',
        "Update on your application",
        _d(1, 17, 6, 58),
        """\
Robin,

Your application for the Operations Analyst position at Kestrel Freight has
not been successful. We will not be contacting you further about this vacancy.

The Kestrel Freight Recruitment Team
""",
    ),
    # ------------------------------------------------------------ Marrowgate Health, test then no
    Sample(
        "acknowledgement", "Marrowgate Health", "Clinical Data Analyst",
        '"Marrowgate Health Recruitment" <recruitment@marrowgatehealth.example>',
        "Clinical Data Analyst - application received",
        _d(1, 13, 12, 0),
        """\
Dear Robin,

Thank you for your application for the Clinical Data Analyst post at
Marrowgate Health. Shortlisting will take place after the closing date of
24 January, and we will contact you either way.

Marrowgate Health Recruitment
""",
    ),
    Sample(
        "assessment", "Marrowgate Health", "Clinical Data Analyst",
        '"Marrowgate Health Recruitment" <recruitment@marrowgatehealth.example>',
        "Clinical Data Analyst - online SQL test",
        _d(1, 27, 14, 20),
        """\
Dear Robin,

We are pleased to tell you that you have been shortlisted for the Clinical
Data Analyst post. The next stage is a 45-minute online SQL test, which you
can take at any time before Monday 3 February using the link below.

Marrowgate Health Recruitment
""",
    ),
    Sample(
        "rejection", "Marrowgate Health", "Clinical Data Analyst",
        '"Marrowgate Health Recruitment" <recruitment@marrowgatehealth.example>',
        "Clinical Data Analyst - outcome",
        _d(2, 12, 11, 15),
        """\
Dear Robin,

Thank you for completing the SQL test for the Clinical Data Analyst post. We
are sorry to tell you that on this occasion you have not been selected for
interview.

The assessors noted that the window-function questions were left incomplete,
and that the join between the admissions and discharge tables double-counted
patients with several stays.

We advertise analyst posts regularly, and we would welcome a future
application from you.

Marrowgate Health Recruitment
""",
    ),
    # ------------------------------------------------------------ Pinecrest Bank, no answer
    Sample(
        "acknowledgement", "Pinecrest Bank", "Risk Analyst",
        '"Pinecrest Bank Careers" <no-reply@pinecrest-bank.example>',
        "Your application: Risk Analyst",
        _d(1, 15, 19, 5),
        """\
Dear Robin,

Thank you for applying for the Risk Analyst role at Pinecrest Bank. We review
every application and will contact you if your profile matches our needs.

Pinecrest Bank Careers
""",
    ),
    # ---------------------------------------------------- Quill & Ember Studios via JobForge
    Sample(
        "acknowledgement", "Quill & Ember Studios", "Junior Data Scientist",
        f'"Quill & Ember Studios via JobForge" <{JOBFORGE}>',
        "Application confirmation - Junior Data Scientist",
        _d(1, 16, 21, 10, EST),
        """\
Hi Robin,

Thanks for your interest in joining Quill & Ember Studios! We've received your
application for the Junior Data Scientist role and will review it soon.

Cheers,
The Quill & Ember Studios Hiring Team

Powered by JobForge
""",
    ),
    Sample(
        "rejection", "Quill & Ember Studios", "Junior Data Scientist",
        f'"Quill & Ember Studios via JobForge" <{JOBFORGE}>',
        "Your application to Quill & Ember Studios",
        _d(2, 10, 15, 0, EST),
        """\
Hi Robin,

Thank you for applying for the Junior Data Scientist role at Quill & Ember
Studios. We had more than four hundred applicants for this role, and we have
decided to progress with other candidates at this time.

We really appreciate the time you put into your application and wish you the
very best.

The Quill & Ember Studios Hiring Team
""",
    ),
    # ------------------------------------------------------------ Northwind Robotics, two rounds
    Sample(
        "acknowledgement", "Northwind Robotics", "Machine Learning Engineer",
        '"Northwind Robotics Careers" <careers@northwind-robotics.example>',
        "Machine Learning Engineer - thanks for applying",
        _d(2, 3, 9, 0, CET),
        """\
Hello Robin,

Thank you for applying for the Machine Learning Engineer position at
Northwind Robotics. Our team will review your application shortly.

Northwind Robotics Careers
""",
    ),
    Sample(
        "interview", "Northwind Robotics", "Machine Learning Engineer",
        "Dana Kowalczyk <dana.kowalczyk@northwind-robotics.example>",
        "Machine Learning Engineer - first interview",
        _d(2, 11, 14, 10, CET),
        """\
Hi Robin,

I'm the hiring manager for the Machine Learning Engineer role. I'd like to
invite you to a first interview: a 30-minute call about your background and
the perception work our team does. Are you free on Thursday afternoon?

Dana Kowalczyk
""",
    ),
    Sample(
        "interview", "Northwind Robotics", "",
        "Dana Kowalczyk <dana.kowalczyk@northwind-robotics.example>",
        "Next steps",
        _d(2, 19, 16, 25, CET),
        """\
Hi Robin,

Thanks for the conversation on Thursday. We'd like you to meet two more of
the team for a technical round next week, with a whiteboard problem and a
discussion of a model you have shipped. I'll send some times tomorrow.

Dana
""",
    ),
    Sample(
        "rejection", "Northwind Robotics", "Machine Learning Engineer",
        "Dana Kowalczyk <dana.kowalczyk@northwind-robotics.example>",
        "Machine Learning Engineer",
        _d(3, 5, 10, 0, CET),
        """\
Robin,

We have decided not to proceed with your application.

Regards,
Dana Kowalczyk
""",
    ),
    # ------------------------------------------------------------ Tessellate, still open
    Sample(
        "interview", "Tessellate", "Analytics Engineer",
        "Femi Adeyemi <femi.adeyemi@tessellate.example>",
        "Analytics Engineer at Tessellate - intro call?",
        _d(3, 10, 12, 30),
        """\
Hi Robin,

Thanks for your application for the Analytics Engineer role at Tessellate.
I'd like to set up a 30-minute intro call with you this week to tell you more
about the team and hear about your work. Does Thursday at 11:00 suit?

Femi Adeyemi
Talent Partner, Tessellate
""",
    ),
    Sample(
        "assessment", "Tessellate", "Analytics Engineer",
        "Femi Adeyemi <femi.adeyemi@tessellate.example>",
        "Re: Analytics Engineer at Tessellate - intro call?",
        _d(3, 20, 15, 40),
        """\
Hi Robin,

Great to talk last week. As promised, here is the take-home task: model three
raw tables into a small star schema and write two tests. Please send it back
within a week; it should take about three hours.

Femi
""",
    ),
    # ------------------------------------------------------------ Harbourline Logistics, warm no
    Sample(
        "acknowledgement", "Harbourline Logistics", "Supply Chain Analyst",
        '"Harbourline Logistics Talent" <talent@harbourline.example>',
        "Supply Chain Analyst - application received",
        _d(2, 14, 10, 0),
        html="""\
<html><body style="font-family: sans-serif">
<p>Dear Robin,</p>
<p>Thank you for applying for the <b>Supply Chain Analyst</b> role at Harbourline
Logistics. We have received your application and will be in touch.</p>
<p>Best regards,<br>Harbourline Logistics Talent</p>
</body></html>
""",
    ),
    Sample(
        "rejection", "Harbourline Logistics", "Supply Chain Analyst",
        "Aisha Begum <aisha.begum@harbourline.example>",
        "Supply Chain Analyst - your application",
        _d(3, 3, 14, 50),
        """\
Dear Robin,

Thank you so much for applying for the Supply Chain Analyst role at
Harbourline Logistics, and for your thoughtful cover letter - I really
enjoyed reading about your warehouse forecasting project.

We had an exceptionally strong field, and I'm sorry to say we have offered the
role to another candidate this time.

I'd genuinely love to see you apply again: we will be hiring two more analysts
in the autumn, and I'll keep an eye out for your name.

Warm wishes,
Aisha Begum
Talent Lead, Harbourline Logistics
""",
    ),
    # ------------------------------------------------------------ Copperfield Insurance
    Sample(
        "acknowledgement", "Copperfield Insurance", "BI Developer",
        '"Copperfield Insurance Careers" <careers@copperfield-insurance.example>',
        "BI Developer - application received",
        _d(2, 18, 8, 45),
        """\
Dear Robin,

Thank you for applying for the BI Developer role at Copperfield Insurance. We
aim to respond to every applicant within three weeks.

Copperfield Insurance Careers
""",
    ),
    Sample(
        "interview", "Copperfield Insurance", "BI Developer",
        "Lena Hoffmann <lena.hoffmann@copperfield-insurance.example>",
        "BI Developer - interview",
        _d(2, 26, 13, 15),
        """\
Dear Robin,

We would like to invite you to interview for the BI Developer role on Monday
3 March at 10:00. The interview will last an hour, with me and our BI lead,
and will include a short walk-through of a dashboard you have built.

Kind regards,
Lena Hoffmann
""",
    ),
    Sample(
        "rejection", "Copperfield Insurance", "BI Developer",
        "Lena Hoffmann <lena.hoffmann@copperfield-insurance.example>",
        "BI Developer - interview outcome",
        _d(3, 12, 16, 5),
        """\
Dear Robin,

Thank you for interviewing with us for the BI Developer role. After careful
consideration we have decided to offer the position to a candidate with more
experience of insurance data and of Power BI administration.

If you would like more detailed feedback from the panel, just reply to this
email and I will arrange a call.

Kind regards,
Lena Hoffmann
""",
    ),
    # ------------------------------------------------------------ Fenwick Labs, role frozen
    Sample(
        "acknowledgement", "Fenwick Labs", "Research Analyst",
        '"Fenwick Labs People" <people@fenwicklabs.example>',
        "Research Analyst - thanks for your application",
        _d(3, 3, 11, 10),
        """\
Hi Robin,

Thanks for applying for the Research Analyst role at Fenwick Labs. We'll be in
touch once we have reviewed applications.

Fenwick Labs People Team
""",
    ),
    Sample(
        "rejection", "Fenwick Labs", "Research Analyst",
        "Owen Marsh <owen.marsh@fenwicklabs.example>",
        "Research Analyst role",
        _d(3, 18, 17, 20),
        """\
Hi Robin,

I wanted to let you know personally that we have had to put the Research
Analyst role on hold. Our funding round has been delayed, and we have frozen
all hiring until the summer, so we will not be taking any applications forward.

I'm sorry, because yours was one of the ones I was looking forward to. If the
role reopens, I would be glad to hear from you again.

Best wishes,
Owen Marsh
Head of Research, Fenwick Labs
""",
    ),
    # ------------------------------------------------------------ Saltmarsh Media via RecruitBase
    Sample(
        "acknowledgement", "Saltmarsh Media", "Content Data Analyst",
        f'"Recruitment" <{RECRUITBASE}>',
        "Application received",
        _d(3, 14, 9, 30),
        """\
Dear Robin,

Thank you for applying for the Content Data Analyst position at Saltmarsh
Media. We will review your application and come back to you.

The Saltmarsh Media Recruitment Team
""",
    ),
    Sample(
        "rejection", "Saltmarsh Media", "Content Data Analyst",
        f'"Recruitment" <{RECRUITBASE}>',
        "Your application",
        _d(3, 24, 12, 45),
        """\
Dear Robin,

Thank you for your application for the Content Data Analyst position at
Saltmarsh Media. This role is based in our Lisbon office five days a week,
and we are unable to sponsor work permits, so we cannot take your application
further.

The Saltmarsh Media Recruitment Team
""",
    ),
    # ------------------------------------------------------------ Brackenridge Council, only a no
    Sample(
        "rejection", "Brackenridge Council", "Policy Analyst",
        '"Brackenridge Council HR" <donotreply@brackenridge-council.example>',
        "Policy Analyst (ref. PA-118)",
        _d(3, 26, 8, 0),
        """\
Dear Applicant,

Thank you for applying for the post of Policy Analyst. We regret to inform
you that your application has not been shortlisted.

Brackenridge Council HR
""",
    ),
    # ------------------------------------------------------------ Velora Travel, just applied
    Sample(
        "acknowledgement", "Velora Travel", "Pricing Analyst",
        '"Velora Travel Careers" <jobs@velora.example>',
        "Pricing Analyst - application received",
        _d(3, 28, 20, 15),
        """\
Hi Robin,

Thank you for applying for the Pricing Analyst role at Velora Travel. We will
let you know about next steps within two weeks.

Velora Travel Careers
""",
    ),
    # ------------------------------------------------------------ mail that is not a job
    Sample(
        "not_job", "", "",
        '"The Analytics Commons" <digest@analyticscommons.example>',
        "This week: dbt tips, a salary survey and three talks",
        _d(1, 11, 7, 0),
        """\
Hello Robin,

This week in the Analytics Commons: five small dbt habits that save hours,
the results of our community salary survey, and recordings of three talks
from the winter meetup.

Happy reading,
The Analytics Commons
""",
    ),
    Sample(
        "not_job", "", "",
        "Sam Adeyemi <sam.adeyemi@mail.example>",
        "Lunch next week?",
        _d(1, 25, 19, 40),
        """\
Hey Robin,

Are you around for lunch on Wednesday? The new noodle place by the station
is finally open. Also, how is the job hunt going?

Sam
""",
    ),
    Sample(
        "other_job", "", "",
        '"JobNest Alerts" <alerts@jobnest.example>',
        '8 new jobs for "data analyst"',
        _d(2, 5, 6, 0),
        """\
Hi Robin, here are this week's new jobs for your saved search "data analyst".

Data Analyst - Greyfriars Water - Bristol
Reporting Analyst - Elmstead Schools Trust - Remote
Junior Analyst - Kitewing Airlines - Manchester

...and 5 more on JobNest. Change your alert settings at any time.
""",
    ),
    Sample(
        "not_job", "", "",
        '"Riverside Data Meetup" <organisers@riversidedata.example>',
        "Your talk proposal",
        _d(2, 21, 18, 0),
        """\
Dear Robin,

Thank you for proposing "Forecasting with small data" for our March meetup.
Unfortunately we had far more proposals than slots and cannot include your
talk this time. We hope you will propose it again for the summer session.

The Riverside Data Meetup organisers
""",
    ),
    Sample(
        "not_job", "", "",
        '"Parcelwise" <updates@parcelwise.example>',
        "Your parcel is on its way",
        _d(3, 8, 10, 12),
        """\
Hi Robin,

Good news: your parcel has left our depot and will arrive tomorrow between
10:00 and 14:00. You can change the delivery day in the app.

Parcelwise
""",
    ),
    Sample(
        "other_job", "", "",
        "Chris Dunmore <chris@dunmoresearch.example>",
        "Opportunity: data engineer role with a fintech client",
        _d(3, 15, 9, 5),
        """\
Hi Robin,

I came across your profile and think you could be a great fit for a data
engineer opening with one of my fintech clients in Manchester: hybrid, with a
strong engineering culture. Would you be open to a quick chat this week?

Chris Dunmore
Dunmore Search
""",
    ),
    Sample(
        "not_job", "", "",
        '"Riverside Data Meetup" <organisers@riversidedata.example>',
        "April meetup: registration open",
        _d(4, 2, 17, 30),
        """\
Hi Robin,

Registration for the April meetup is open. This time: two talks on data
contracts and a panel on the first year in a data job. Pizza from 18:30.

The Riverside Data Meetup organisers
""",
    ),
]

#: The day the mailbox was exported; ``applications(as_of=...)`` in the tests.
EXPORTED = datetime(2025, 4, 4, 18, 0, tzinfo=UTC)


def build(sample: Sample, number: int) -> EmailMessage:
    """The email for ``sample``, with fixed MIME boundaries so output is reproducible."""
    msg = EmailMessage()
    msg["From"] = sample.sender
    msg["To"] = ME if sample.sender != ME else TOMASZ
    msg["Subject"] = sample.subject
    msg["Date"] = format_datetime(sample.date)
    msg["Message-ID"] = f"<{sample.date:%Y%m%d%H%M%S}.{number:02d}@jobsearch.rebound.example>"
    for name, value in sample.headers.items():
        msg[name] = value
    if sample.text:
        msg.set_content(sample.text)
    else:
        msg.set_content(sample.html, subtype="html")
    for depth, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"=_rebound_jobsearch_{number:02d}_{depth}")
    return msg


def ordered() -> list[Sample]:
    """The samples in date order, as a mailbox export lists them."""
    return sorted(SAMPLES, key=lambda s: s.date)


def write_mbox(path: Path) -> int:
    """Write every sample, in date order, to a fresh mbox at ``path``; return the count."""
    path.unlink(missing_ok=True)
    box = mailbox.mbox(path)
    try:
        for number, sample in enumerate(ordered(), start=1):
            message = mailbox.mboxMessage(build(sample, number))
            address = sample.sender.rpartition("<")[2].rstrip(">")
            message.set_from(address, sample.date.astimezone(UTC).timetuple())
            box.add(message)
        box.flush()
    finally:
        box.close()
    return len(SAMPLES)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("jobsearch.mbox")
    count = write_mbox(out)
    print(f"wrote {count} messages to {out}")


if __name__ == "__main__":
    main()
