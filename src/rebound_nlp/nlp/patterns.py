"""Cue phrases of job email language, kept as data.

Each label names a signal; the phrases are matched case-insensitively on
spaCy's ``NORM`` attribute, so "won't" matches "will not".  The lists hold
general hiring vocabulary, not the wording of any one writer: they are
features for the classifiers and evidence for users, never decisions alone.
"""

from __future__ import annotations

from typing import Final

#: Prefix of the sentence cues' labels ("s:SKILLS"; the email cues have none).
#: As features they read "c:s:SKILLS", apart from subject words ("s:word").
SENTENCE_CUE_PREFIX: Final = "s:"
#: Suffix of a cue's label when a negation comes just before it ("REJECT~neg").
NEGATED: Final = "~neg"
#: The sentence cue that names each feedback category.
TOPIC_CATEGORIES: Final[dict[str, str]] = {
    "SKILLS": "skills",
    "EXPERIENCE": "experience",
    "PERFORMANCE": "interview",
    "CULTURE": "culture_fit",
    "LOGISTICS": "logistics",
}

#: Email-level cues: what kind of message this is and what it says.
EMAIL_CUES: Final[dict[str, tuple[str, ...]]] = {
    # Hiring vocabulary: a message with none of it is not job mail, whatever
    # else it says (see rebound_nlp.decisions).
    "JOB": (
        "job", "jobs", "position", "positions", "role", "roles", "vacancy", "vacancies",
        "opening", "openings", "post", "application", "applications", "applied", "apply",
        "applying", "applicant", "applicants", "candidate", "candidates", "candidacy",
        "interview", "interviews", "interviewed", "interviewing", "hiring", "hire", "hired",
        "recruit", "recruiter", "recruiters", "recruiting", "recruitment", "resume", "résumé",
        "cv", "career", "careers", "employment", "employer", "talent", "offer", "shortlist",
        "shortlisted", "onboarding", "start date", "assessment", "headhunter", "internship",
        "traineeship", "apprenticeship", "graduate scheme", "staffing", "placement",
    ),
    "REJECT": (
        "not be moving forward", "not moving forward", "not be progressing", "not progress",
        "not to progress", "not to proceed", "not be proceeding", "decided not to",
        "unable to offer", "not able to offer", "not be offering", "not been successful",
        "were not successful", "was not successful", "unsuccessful", "not been selected",
        "not selected", "not be selected", "pursue other candidates", "other candidates",
        "other applicants", "regret to inform", "regret to let you know", "not shortlisted",
        "no longer under consideration", "no longer being considered", "not a match",
        "not the right fit", "different direction", "not suitable", "not proceed",
        "will not be taking", "not be taking your application", "decline", "declined",
        "not to move forward", "other direction", "not going to", "won't be moving",
        "not be continuing", "not be extending", "rescind", "withdraw the offer",
        "withdrawn the offer", "closed your application", "not be invited",
    ),
    "OFFER": (
        "pleased to offer", "delighted to offer", "happy to offer", "offer of employment",
        "job offer", "offer letter", "formal offer", "conditional offer", "congratulations",
        "welcome aboard", "welcome to the team", "accept the offer", "accepting the offer",
        "your start date", "signed contract",
    ),
    "INVITE": (
        "invite you to", "would like to invite", "like to invite", "schedule an interview",
        "schedule a call", "book a time", "book a slot", "next round", "next stage",
        "move you forward", "moving you forward", "progress you to", "shortlisted",
        "your availability", "available times", "calendar link", "select a time",
        "pick a time", "please confirm your attendance", "look forward to meeting",
        "look forward to speaking", "invitation to interview", "assessment centre",
        "assessment center", "complete the assessment", "online test",
    ),
    "RESCHEDULE": (
        "reschedule", "rescheduling", "rearrange", "new time", "postpone", "postponed",
        "move our call", "move the interview", "cancel the interview", "cancel our interview",
        "cancelled the interview", "different time", "another time", "new slot",
    ),
    "ACK": (
        "received your application", "have received your", "receipt of your application",
        "under review", "reviewing your application", "still reviewing", "will be in touch",
        "be in contact", "only shortlisted candidates", "due to the high volume",
        "thank you for applying", "thanks for applying", "application has been received",
        "we will review", "review your application", "next steps",
    ),
    "NONJOB": (
        "talk proposal", "proposal", "submission", "manuscript", "paper", "conference",
        "grant", "funding application", "tenancy", "rental", "the flat", "the apartment",
        "property", "landlord", "loan", "credit", "mortgage", "admission", "admissions",
        "membership", "vendor", "supplier", "our procurement", "refund", "programme place",
        "abstract",
    ),
    "REGRET": (
        "unfortunately", "regret", "regretfully", "sorry", "sadly", "disappointing",
        "disappointed", "not the news", "not the outcome", "wish i had better news",
        "wish we had better news", "hard to write", "i am sorry", "we are sorry",
    ),
    "THANKS": (
        "thank you", "thanks", "appreciate", "appreciated", "grateful", "gratitude",
        "thank you for your time", "thank you for your interest",
    ),
    "PRAISE": (
        "impressed", "impressive", "enjoyed", "pleasure", "really liked", "loved",
        "great conversation", "exceptional", "outstanding", "excellent", "genuinely",
        "truly", "personally", "warmly", "it was lovely", "i really", "we really",
    ),
    "CLOSE_CALL": (
        "difficult decision", "tough decision", "hard decision", "close call", "very close",
        "narrow", "narrowly", "final round", "final two", "final three", "final stage",
        "runner-up", "second choice", "incredibly close", "came down to", "by a small margin",
        "difficult choice", "tough choice", "shortlist of",
    ),
    "COMPETITION": (
        "other candidates", "another candidate", "other applicants", "another applicant",
        "candidate whose", "candidates whose", "applicants whose", "more closely",
        "closely matches", "closer match", "high volume", "large number of applications",
        "large number of applicants", "many applications", "many applicants", "strong field",
        "competitive", "successful candidate", "applicant pool", "candidate pool",
        "appointed", "hired someone", "chosen another", "selected another", "someone who",
        "someone with", "more experienced", "number of strong", "overwhelming response",
        "hundreds of applications", "better aligned", "more aligned",
    ),
    "POSITION": (
        "has been filled", "have been filled", "was filled", "been filled",
        "filled internally", "internal candidate", "on hold", "hiring freeze", "freeze",
        "frozen", "cancelled", "canceled", "no longer available", "no longer hiring",
        "closed the position", "position is closed", "role is closed", "budget", "funding",
        "restructure", "restructuring", "withdraw", "withdrawn", "rescind", "rescinded",
        "eliminated", "not going ahead", "paused", "pause", "offers out", "reorganisation",
        "reorganization",
    ),
    "FUTURE": (
        "keep your details", "keep your cv", "keep your resume", "keep your application",
        "on file", "talent pool", "talent community", "talent network", "apply again",
        "reapply", "re-apply", "future opportunities", "future opportunity", "future roles",
        "future vacancies", "future openings", "other roles", "other opportunities",
        "other vacancies", "other openings", "careers page", "careers site",
        "encourage you to apply", "keep an eye", "do apply", "in the future", "next time",
        "reach out to you", "consider you for", "similar roles",
    ),
    "FEEDBACK_OFFER": (
        "happy to share feedback", "happy to provide feedback", "happy to give feedback",
        "happy to offer feedback", "feedback on request", "would like feedback",
        "want feedback", "like some feedback", "like more feedback", "more detailed feedback",
        "detailed feedback", "further feedback", "happy to discuss", "happy to talk",
        "happy to chat", "jump on a call", "call to discuss", "request feedback",
        "ask for feedback", "feedback if", "let me know if you would like",
        "let me know if you'd like", "glad to share", "happy to walk you through",
    ),
    "NO_FEEDBACK": (
        "unable to provide feedback", "cannot provide feedback", "can't provide feedback",
        "not able to provide feedback", "unable to offer feedback", "no feedback",
        "individual feedback", "unable to provide individual", "not able to give feedback",
        "unable to give feedback",
    ),
    "MET": (
        "interview", "interviews", "interviewed", "interviewing", "met with", "meeting you",
        "meeting with", "speaking with", "speaking to", "spoke", "call", "phone screen",
        "assessment", "test", "trial shift", "trial day", "presentation", "panel", "onsite",
        "on-site", "second round", "first round", "taking the time to meet", "conversation",
        "conversations", "chatting", "chat", "visit", "task", "exercise", "case study",
        "background check", "reference check", "references", "demo", "trial",
    ),
    "APPLIED": (
        "your application", "applying", "application for", "reviewed your application",
        "cv", "resume", "résumé", "submitted", "applied", "candidacy", "your profile",
    ),
    "PAST": (
        "background check", "background screening", "reference check", "references",
        "previous employer", "previous role", "employment history", "criminal record",
        "dbs check", "your last job", "gap in your",
    ),
    "CURT": (
        "do not reply", "no further correspondence", "decision is final", "cut to the chase",
        "not suitable", "no-reply", "noreply", "will not be responded to", "not monitored",
        "final decision", "this is final",
    ),
}

#: Sentence-level cues: which kind of candidate-specific feedback a sentence carries.
SENTENCE_CUES: Final[dict[str, tuple[str, ...]]] = {
    "SKILLS": (
        "skills", "skill", "skillset", "skill set", "proficiency", "proficient", "portfolio",
        "technical", "coding", "programming", "python", "sql", "excel", "java", "javascript",
        "language", "spanish", "french", "german", "mandarin", "writing", "communication",
        "design", "tools", "software", "knowledge of", "familiarity", "fluency", "fluent",
        "expertise", "hands-on", "craft", "samples", "work samples", "your work",
    ),
    "EXPERIENCE": (
        "experience", "experienced", "years", "year", "track record", "qualification",
        "qualifications", "qualified", "degree", "certification", "certified", "licence",
        "license", "licensed", "registered", "registration", "senior", "junior", "seniority",
        "background in", "publications", "published", "publication record", "leadership",
        "management experience", "level", "exposure", "teaching experience", "career",
    ),
    "PERFORMANCE": (
        "interview", "answers", "answer", "answered", "presentation", "presented",
        "case study", "assessment", "test", "score", "scored", "exercise", "task", "demo",
        "trial", "demonstrated", "during our", "during the", "panel", "ranked", "ranking",
        "on the day", "take-home", "technical round", "questions", "responses", "examples",
    ),
    "CULTURE": (
        "culture", "cultural", "values", "team dynamic", "fit with the team", "team fit",
        "working style", "collaborative", "ethos", "mission", "way we work", "environment",
        "personality", "chemistry", "values-driven", "our team",
    ),
    "LOGISTICS": (
        "visa", "sponsorship", "sponsor", "work authorisation", "work authorization",
        "right to work", "work permit", "relocate", "relocation", "location", "commute",
        "based in", "on-site", "onsite", "remote", "hybrid", "salary", "compensation", "pay",
        "rate", "budget for", "notice period", "start date", "availability", "available",
        "weekend", "weekends", "shifts", "shift", "hours", "schedule", "driving licence",
        "driver's license", "full-time", "part-time", "expectations", "travel", "distance",
    ),
    "YOU": ("you", "your", "you've", "you're", "yours"),
    "GENERIC_PRAISE": (
        "impressive background", "strong background", "impressive profile", "real strengths",
        "strong candidate", "strong application", "great candidate", "your background",
        "your qualifications", "your experience",
    ),
}
