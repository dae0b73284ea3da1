"""Fictional sample data for trying peerjournal out (`peerjournal --demo`) and for tests.

`fill_demo_journal` writes a believable three months of a peer supporter's journal into an
empty journal: six aliases (one closed), a few dozen sessions, reflections from every template,
check-ins and follow-ups. Every person, place and event here is invented, and the text is kept
free of anything `find_identifiers` would flag, so the demo also shows what good, minimal,
alias-only notes look like.

The data is deterministic: a seeded random generator picks the details and every time is
relative to `today`, so the same seed and day always give the same journal (ids included).
Core module: standard library only, no UI toolkit.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from peerjournal.core.errors import UsageError
from peerjournal.core.journal import Journal
from peerjournal.core.models import (
    REFLECTION_TEMPLATES,
    Alias,
    CheckIn,
    ConfidentialityEvent,
    FollowUp,
    Reflection,
    Session,
    Supervision,
)

__all__ = ["DEMO_DAYS", "DEMO_PSEUDONYMS", "fill_demo_journal"]

DEMO_DAYS = 90  # everything dated falls within the last three months


@dataclass(frozen=True)
class _Person:
    pseudonym: str
    themes: tuple[str, ...]
    sessions: int
    status: str = "active"
    knows_me_outside_work: bool = False
    consent_note: str = ""
    notes: str = ""
    oldest_day: int = DEMO_DAYS - 2  # how many days ago the first session may be
    newest_day: int = 1


_PEOPLE: tuple[_Person, ...] = (
    _Person(
        "River",
        ("housing", "recovery"),
        8,
        consent_note="Agreed I can talk with the housing support worker about the move only.",
        notes="Prefers mornings. Likes to walk and talk rather than sit in the office.",
    ),
    _Person(
        "Sky",
        ("grief", "loneliness"),
        7,
        notes="Lost their partner last year. Finds evenings and weekends hardest.",
    ),
    _Person(
        "Oak",
        ("employment", "benefits"),
        6,
        consent_note="No release signed. Happy for me to mention them in supervision by alias.",
        notes="Practical, likes a written list of next steps at the end of each session.",
    ),
    _Person(
        "Wren",
        ("recovery",),
        6,
        notes="Early recovery, attends the recovery cafe most weeks. Very dry sense of humour.",
    ),
    _Person(
        "Jules",
        ("benefits", "housing"),
        4,
        knows_me_outside_work=True,
        notes="We use the same community garden, so we agreed how to say hello outside work.",
    ),
    _Person(
        "Marlow",
        ("grief", "loneliness"),
        3,
        status="closed",
        notes="Ended well: has a befriending volunteer now and joined a walking group.",
        oldest_day=DEMO_DAYS - 2,
        newest_day=50,
    ),
)

DEMO_PSEUDONYMS: tuple[str, ...] = tuple(person.pseudonym for person in _PEOPLE)

_GROUP_SESSIONS = 4

# One visit = the session fields a supporter would fill in after meeting someone.
_VISITS: dict[str, tuple[dict[str, str], ...]] = {
    "housing": (
        {
            "goal_focus": "Getting the damp in the bedroom looked at without falling out with "
            "the landlord.",
            "support_offered": "We drafted a short, calm message together and practised what to "
            "say if the reply was defensive.",
            "response": "Relieved to have the words written down. Sent it before we finished.",
            "strengths": "Stayed polite under real pressure; kept photos and dates of the damp.",
            "their_words": "I just want somewhere I can breathe at night.",
            "next_steps": "Wait a week for a reply; if nothing comes, ask the advice centre "
            "about the next step.",
            "referrals": "Tenancy advice line (information given, they will call themselves).",
            "notes": "Talked a little about how the damp affects sleep and mood. Tired but "
            "determined.",
        },
        {
            "goal_focus": "Understanding the letter from the housing office about the "
            "waiting list.",
            "support_offered": "Read the letter through together and turned it into three "
            "plain questions to ask.",
            "response": "Less panicked once the letter made sense. Wrote the questions on "
            "their phone.",
            "strengths": "Asked for help early instead of leaving the letter unopened.",
            "their_words": "It's like they write these things to scare you.",
            "next_steps": "Call the housing office on their own; we will go over the answers "
            "next time.",
            "referrals": "",
            "notes": "Noticed they are much more confident on the phone than a month ago.",
        },
        {
            "goal_focus": "Packing and planning for the move to the new flat.",
            "support_offered": "Made a simple room-by-room list; talked about asking the "
            "furniture project for a bed.",
            "response": "Excited and nervous in equal parts. Laughed about how much they have "
            "kept.",
            "strengths": "Good at breaking a big job into small pieces once started.",
            "their_words": "A door that's mine. I keep saying it out loud.",
            "next_steps": "Book the van; ask the furniture project about a bed frame.",
            "referrals": "Community furniture project (they will self-refer).",
            "notes": "Moving can unsettle recovery routines, so we named a few anchors to keep "
            "the same.",
        },
        {
            "goal_focus": "Settling in: first week in the new place.",
            "support_offered": "Mostly listened. Helped set up a simple budget for the gas and "
            "electric.",
            "response": "Proud, a bit lonely in the evenings. Planning to put pictures up.",
            "strengths": "Unpacked the kitchen first so they could cook; kept their meeting "
            "routine.",
            "their_words": "It's quiet. Good quiet, mostly.",
            "next_steps": "Find the nearest recovery meeting to the new place; try it once.",
            "referrals": "",
            "notes": "Celebrated this one together. Reminded them that quiet evenings are "
            "worth planning for.",
        },
        {
            "goal_focus": "A letter about rent arrears.",
            "support_offered": "Worked out the real amount owed together; talked through "
            "asking for a repayment plan.",
            "response": "Frightened at first; steadier once the number was on paper and "
            "smaller than they feared.",
            "strengths": "Opened the letter the day it came, which they said they never used "
            "to do.",
            "their_words": "Seeing it written down, it's a problem, not a disaster.",
            "next_steps": "Ask the advice centre to help write to the landlord about a plan.",
            "referrals": "Advice centre (debt and housing).",
            "notes": "Linked the arrears to the benefit delay; both need working on together.",
        },
        {
            "goal_focus": "Asking for repairs without feeling like a nuisance.",
            "support_offered": "Helped list the repairs in order of importance; practised "
            "the request.",
            "response": "Sent the request from the cafe after we finished.",
            "strengths": "Clear and fair; kept to the facts.",
            "their_words": "I pay rent. I'm allowed to ask.",
            "next_steps": "Keep a note of when they asked and what was said.",
            "referrals": "",
            "notes": "",
        },
    ),
    "recovery": (
        {
            "goal_focus": "Getting through the weekend without drinking.",
            "support_offered": "Mapped the risky hours together and planned something for each "
            "of them.",
            "response": "Engaged and honest about the hardest time, which is late afternoon.",
            "strengths": "Knows their triggers well and names them without shame.",
            "their_words": "If I can get to tea time on a saturday I'm usually alright.",
            "next_steps": "Go to the recovery cafe on saturday; text a friend from group on "
            "sunday morning.",
            "referrals": "",
            "notes": "Three weeks alcohol free. Sleep still patchy, appetite coming back.",
        },
        {
            "goal_focus": "Talking about a slip last week and what to learn from it.",
            "support_offered": "Listened without judgement; we looked at what happened in the "
            "hours before.",
            "response": "Ashamed at first, lighter by the end. Wants to keep going.",
            "strengths": "Came back and talked about it, which takes courage.",
            "their_words": "I thought you'd give up on me.",
            "next_steps": "Tell their recovery worker about the slip; keep the evening plan "
            "written on the fridge.",
            "referrals": "Back in touch with their recovery worker at the drug and alcohol "
            "service.",
            "notes": "Reminded them that a slip is information, not failure. Talked about "
            "sleep and hunger as early warning signs.",
        },
        {
            "goal_focus": "Building a day that has shape to it.",
            "support_offered": "Shared a simple weekly planner; we filled in the fixed points "
            "first.",
            "response": "Liked seeing the week on one page. Added a walk most mornings.",
            "strengths": "Creative: drew their own version of the planner with doodles.",
            "their_words": "Empty days are the dangerous ones.",
            "next_steps": "Try the planner for a week and bring it back, good days and bad.",
            "referrals": "",
            "notes": "Two months into recovery. Energy better; money worries still loud.",
        },
        {
            "goal_focus": "Marking ninety days.",
            "support_offered": "Looked back at where they started; named what has helped.",
            "response": "Quietly proud. Wants to give something back one day.",
            "strengths": "Consistency: has turned up every week, even on hard days.",
            "their_words": "I didn't think I'd see this.",
            "next_steps": "Think about what marking the day would look like; maybe a meal out.",
            "referrals": "",
            "notes": "Talked briefly about peer volunteering in future; no rush.",
        },
        {
            "goal_focus": "First weeks at the recovery cafe.",
            "support_offered": "Went along the first time; introduced them to one of the "
            "regulars and then stepped back.",
            "response": "Quiet, watchful, stayed the whole hour.",
            "strengths": "Turned up even though they nearly turned round at the door.",
            "their_words": "Nobody looked at me funny. I expected them to.",
            "next_steps": "Go again on their own next week.",
            "referrals": "Recovery cafe (drop in, no referral needed).",
            "notes": "Ten days sober. Sleep poor, appetite low, mood flat but hopeful.",
        },
        {
            "goal_focus": "Preparing for a family gathering where there will be drink.",
            "support_offered": "Role-played saying no thanks; planned an exit and a check-in text.",
            "response": "Nervous, but feels they have a plan and permission to leave early.",
            "strengths": "Clear about their limits; has a supportive cousin who will be there.",
            "their_words": "I'm allowed to leave. I keep forgetting that.",
            "next_steps": "Bring their own drinks; send the agreed text when they get home.",
            "referrals": "",
            "notes": "Checked in about cravings: fewer, shorter. Sleep much better.",
        },
        {
            "goal_focus": "Cravings at night.",
            "support_offered": "Talked through what the cravings feel like and what has "
            "got them through before; made a short list for the bedside table.",
            "response": "Liked having something to do with their hands when it hits.",
            "strengths": "Honest about how strong the pull still is.",
            "their_words": "It's the clock. Eleven o'clock and my whole body remembers.",
            "next_steps": "Try the list for a week; note which things helped.",
            "referrals": "",
            "notes": "Mentioned money is tight and the stress is building. Keep an eye on it.",
        },
        {
            "goal_focus": "A week after the crisis.",
            "support_offered": "Checked how they are now; went over what the crisis team "
            "arranged; asked how they felt about what I shared.",
            "response": "Tired but safer. Said they were angry at first and now mostly relieved.",
            "strengths": "Has kept every appointment the crisis team made.",
            "their_words": "I'm still here. That's the headline.",
            "next_steps": "Keep weekly sessions; go back to the recovery cafe when ready.",
            "referrals": "Ongoing support from the community mental health team.",
            "notes": "Repaired the trust between us by being open about exactly what was "
            "shared and why.",
        },
        {
            "goal_focus": "Rebuilding a routine.",
            "support_offered": "Looked at the weekly planner again; added the cafe back in.",
            "response": "More like themselves. Made a joke about my handwriting.",
            "strengths": "Humour back; asking for what they need.",
            "their_words": "Starting again isn't starting from nothing.",
            "next_steps": "Cafe on saturday; call the recovery worker about a group.",
            "referrals": "",
            "notes": "",
        },
    ),
    "grief": (
        {
            "goal_focus": "Getting through the anniversary week.",
            "support_offered": "Mostly listening. Talked about ways others mark the day.",
            "response": "Tearful, then talked for a long time about their partner's allotment.",
            "strengths": "Lets themselves feel it rather than pushing it away.",
            "their_words": "Everyone else has moved on. I'm still in the same chair.",
            "next_steps": "Plan the day itself: a walk in the morning, a phone call in the "
            "evening.",
            "referrals": "Bereavement support group (information given).",
            "notes": "Low but not hopeless. Eating less. Will check in after the anniversary.",
        },
        {
            "goal_focus": "Sorting through belongings, a little at a time.",
            "support_offered": "Suggested one drawer at a time; talked about keeping a memory box.",
            "response": "Found it helpful to have permission to go slowly.",
            "strengths": "Warm sense of humour about the things their partner kept.",
            "their_words": "Forty years of receipts. Who keeps receipts?",
            "next_steps": "One drawer this week; keep the memory box by the window.",
            "referrals": "",
            "notes": "Lighter session. Laughed a lot, cried a little.",
        },
        {
            "goal_focus": "Feeling guilty about having a good day.",
            "support_offered": "Normalised it; shared that grief often comes in waves.",
            "response": "Relieved. Said nobody had told them good days were allowed.",
            "strengths": "Reflective, notices their own patterns.",
            "their_words": "I laughed at the telly and then felt terrible.",
            "next_steps": "Notice one good moment a day without judging it.",
            "referrals": "",
            "notes": "Sleep improving. Still finds sundays long.",
        },
        {
            "goal_focus": "Thinking about the bereavement group.",
            "support_offered": "Talked through what a first group meeting is like; offered to "
            "go over questions beforehand.",
            "response": "Undecided, but curious. Wants to try once.",
            "strengths": "Open to new things despite the fear.",
            "their_words": "What if I just cry the whole time?",
            "next_steps": "Go to one group session; tell me how it felt.",
            "referrals": "Bereavement support group (they will go on their own).",
            "notes": "",
        },
        {
            "goal_focus": "Our last session: looking back.",
            "support_offered": "Reviewed what has changed since we first met; talked about "
            "where to turn if things get hard again.",
            "response": "Emotional, grateful, ready.",
            "strengths": "Built their own circle of support, one step at a time.",
            "their_words": "I still miss them every day. But I'm living, not just waiting.",
            "next_steps": "Closing; they know how to get back in touch with the service.",
            "referrals": "",
            "notes": "A good ending. Talked about ending well and what they will take with them.",
        },
    ),
    "benefits": (
        {
            "goal_focus": "Getting ready for the benefit assessment.",
            "support_offered": "Went through the form together; helped them describe a bad day "
            "in their own words.",
            "response": "Exhausted afterwards but glad it is done.",
            "strengths": "Honest about their limits, which they usually play down.",
            "their_words": "I always say I'm fine. I'm not fine.",
            "next_steps": "Post the form recorded delivery; keep a copy.",
            "referrals": "Welfare rights advice (appointment booked by them).",
            "notes": "Talked about pacing: the form took three short sittings, not one long one.",
        },
        {
            "goal_focus": "A payment was cut and the rent is due.",
            "support_offered": "Worked out what is urgent this week; looked at the food bank "
            "and the hardship fund.",
            "response": "Calmer once there was a plan for the next seven days.",
            "strengths": "Keeps their paperwork in order, which made this much easier.",
            "their_words": "I just need to know we'll eat this week.",
            "next_steps": "Ask the advice centre to help challenge the decision; food bank on "
            "thursday.",
            "referrals": "Food bank voucher; advice centre for the challenge.",
            "notes": "Stress high. Checked how they are sleeping and eating; both poor.",
        },
        {
            "goal_focus": "The decision came back in their favour.",
            "support_offered": "Celebrated; talked about setting a little aside each month.",
            "response": "Big relief. Said they can think about other things now.",
            "strengths": "Persistence: they kept going through two refusals.",
            "their_words": "I actually won something.",
            "next_steps": "Set up a simple budget; think about what they want to do next.",
            "referrals": "",
            "notes": "",
        },
        {
            "goal_focus": "Moving onto a new benefit.",
            "support_offered": "Made a timeline of what happens when; flagged the gap before "
            "the first payment.",
            "response": "Worried about the gap, glad to know about it in advance.",
            "strengths": "Plans ahead once they have the facts.",
            "their_words": "Five weeks with nothing? How does anyone manage that?",
            "next_steps": "Ask about an advance payment; food bank as a back up.",
            "referrals": "Advice centre (benefit change).",
            "notes": "",
        },
        {
            "goal_focus": "Budgeting with the new payment.",
            "support_offered": "Went through a simple weekly budget; looked at the water "
            "company's help scheme.",
            "response": "Relieved there is a little left at the end of the week.",
            "strengths": "Careful with money; knows every price in the local shop.",
            "their_words": "I can breathe out a bit.",
            "next_steps": "Apply for the water help scheme; check the budget in a month.",
            "referrals": "",
            "notes": "",
        },
    ),
    "loneliness": (
        {
            "goal_focus": "Evenings feel very long.",
            "support_offered": "Brainstormed small things for evenings; looked at the "
            "community centre timetable.",
            "response": "Picked the craft evening as the least scary.",
            "strengths": "Good at making things with their hands; used to knit a lot.",
            "their_words": "Some days I don't say a word to anyone.",
            "next_steps": "Try the craft evening once; I will ask how it went.",
            "referrals": "Community centre craft evening.",
            "notes": "",
        },
        {
            "goal_focus": "How the craft evening went.",
            "support_offered": "Listened; helped them plan going back.",
            "response": "Enjoyed it more than expected. Someone asked them to come again.",
            "strengths": "Brave: went in even though their stomach was in knots.",
            "their_words": "I'd forgotten I could talk to strangers.",
            "next_steps": "Go again next week; maybe take the knitting.",
            "referrals": "",
            "notes": "Brighter than I have seen them. Still lonely at weekends.",
        },
        {
            "goal_focus": "Weekends are still hard.",
            "support_offered": "Talked about a befriending service and a walking group.",
            "response": "Interested in the walking group; unsure about befriending.",
            "strengths": "Knows what they need and says so.",
            "their_words": "I don't want a pity visit. I want a walk.",
            "next_steps": "Look at the walking group times; try a short walk on sunday.",
            "referrals": "Befriending service (information only, no referral yet).",
            "notes": "",
        },
        {
            "goal_focus": "Trying the walking group.",
            "support_offered": "Looked at the route together; talked about what to say "
            "when people ask why they came.",
            "response": "Went, enjoyed the walk more than the chat, will go again.",
            "strengths": "Steady: does the thing even when it feels awkward.",
            "their_words": "Walking side by side is easier than sitting face to face.",
            "next_steps": "Second walk next week; think about a befriending volunteer.",
            "referrals": "Befriending service (referral made with their agreement).",
            "notes": "",
        },
    ),
    "employment": (
        {
            "goal_focus": "Thinking about going back to work after a long gap.",
            "support_offered": "Talked through what kind of work would suit their energy; "
            "listed skills from past jobs.",
            "response": "Surprised by how long the skills list got.",
            "strengths": "Reliable, practical, good with people who are upset.",
            "their_words": "I thought I had nothing to put on a CV.",
            "next_steps": "Ask the employment support service about a volunteer placement.",
            "referrals": "Employment support service (self-referral).",
            "notes": "Worried about how work would affect their benefits; we noted it for the "
            "advice centre.",
        },
        {
            "goal_focus": "Writing a CV.",
            "support_offered": "Sat with them while they wrote the first draft; suggested "
            "plain headings.",
            "response": "Got a full page done. Wants to print it at the library.",
            "strengths": "Took feedback well; rewrote the opening line twice without fuss.",
            "their_words": "It reads like someone I'd hire.",
            "next_steps": "Print the CV; apply for two roles this week.",
            "referrals": "",
            "notes": "",
        },
        {
            "goal_focus": "Nerves before an interview.",
            "support_offered": "Practised answers to common questions; planned the journey.",
            "response": "Still nervous, but says the practice helped a lot.",
            "strengths": "Good stories from past work once they relax.",
            "their_words": "My hands shake but my voice doesn't. That's new.",
            "next_steps": "Go to the interview; message me after if they want to.",
            "referrals": "",
            "notes": "Talked about what they will do if it is a no: it is practice either way.",
        },
        {
            "goal_focus": "Started a part-time job.",
            "support_offered": "Talked about pacing, breaks and telling the manager what helps.",
            "response": "Tired but happy. Likes the team.",
            "strengths": "Asked for a reasonable adjustment on day one.",
            "their_words": "I'm the new one again. It's not as bad as I thought.",
            "next_steps": "Keep sessions fortnightly for now; review in a month.",
            "referrals": "",
            "notes": "",
        },
    ),
}

_GROUP_VISITS: tuple[dict[str, str], ...] = (
    {
        "goal_focus": "Weekly peer group: coping with cravings.",
        "support_offered": "Facilitated a round of what has helped this week; shared a "
        "grounding exercise.",
        "response": "Good energy. Several people swapped tips on evening routines.",
        "strengths": "The group held each other well when one member became upset.",
        "their_words": "It helps to hear I'm not the only one.",
        "next_steps": "Next week: bring one thing that made you smile.",
        "referrals": "",
        "notes": "Eight people. Two new members; paired each with someone who has been "
        "coming a while.",
    },
    {
        "goal_focus": "Weekly peer group: money worries.",
        "support_offered": "Shared information about the food bank and the advice centre; "
        "kept the focus on feelings as well as facts.",
        "response": "Lots of shared frustration, and some laughter by the end.",
        "strengths": "Members offered each other practical help without being asked.",
        "their_words": "We're all in the same boat, just different oars.",
        "next_steps": "Invite someone from the advice centre to a future session.",
        "referrals": "",
        "notes": "Reminded the group about confidentiality at the start.",
    },
    {
        "goal_focus": "Weekly peer group: looking after ourselves over the holidays.",
        "support_offered": "Each person made a small plan for the hardest day.",
        "response": "Quieter than usual; people opened up near the end.",
        "strengths": "Honest sharing about loneliness; no one was rushed.",
        "their_words": "I'm going to write my plan on the back of my hand.",
        "next_steps": "Share the list of places open over the holidays.",
        "referrals": "",
        "notes": "Ran five minutes over; I need to keep a closer eye on time.",
    },
    {
        "goal_focus": "Weekly peer group: celebrating small wins.",
        "support_offered": "Facilitated a round of wins, however small.",
        "response": "Warm, lots of encouragement.",
        "strengths": "People noticed each other's progress out loud.",
        "their_words": "I answered the door today. That's my win.",
        "next_steps": "Keep the wins round as a regular opening.",
        "referrals": "",
        "notes": "Six people. Good mix of new and long-standing members.",
    },
)

_CONCERN_VISIT: dict[str, str] = {
    "goal_focus": "A very low week after a difficult family phone call.",
    "support_offered": "Asked directly about suicidal thoughts. Listened; we made a short "
    "safety plan together and went through it twice.",
    "response": "Said they have had passing thoughts of not wanting to be here, no plan, "
    "and that they feel safe tonight. Agreed to the safety plan.",
    "strengths": "Honest with me about how dark it got; reached out instead of hiding it.",
    "their_words": "I don't want to die. I just want it to stop hurting for a bit.",
    "next_steps": "Keep the crisis line number on the fridge; I will check in within two "
    "days as agreed.",
    "referrals": "Crisis line information given; encouraged a doctor's appointment.",
    "notes": "Talked it through with my supervisor afterwards, as the service's procedure "
    "asks. We decided nothing needed to be shared beyond our agreement: no plan, protective "
    "factors in place, a plan we made together. Follow up as promised.",
}

_LIMITS_VISIT: dict[str, str] = {
    "goal_focus": "Came in very distressed after a relapse.",
    "support_offered": "Stayed with them, asked directly about safety. They described a "
    "specific plan to end their life tonight.",
    "response": "Agreed, after some time, that we needed to get urgent help together.",
    "strengths": "Stayed and talked; accepted help even though it was frightening.",
    "their_words": "I knew you'd have to tell someone. Part of me wanted you to.",
    "next_steps": "Check in tomorrow as agreed; talk with my supervisor about my own support.",
    "referrals": "Urgent referral to the mental health crisis team, made together.",
    "notes": "Limits of confidentiality reached. I reminded them what we agreed at our first "
    "meeting, told them what I would share and why, and made the call with them in the room.",
}

# (pseudonym, index of their session) -> safety flag of that session.
_SAFETY_SESSIONS: dict[tuple[str, int], str] = {
    ("Sky", 2): "concern",
    ("Wren", 3): "limits_reached",
}

_FOLLOW_UP_ACTIONS: dict[str, tuple[str, ...]] = {
    "housing": (
        "Check whether the landlord replied about the damp.",
        "Bring the list of questions for the housing office.",
        "Ask the furniture project about a bed frame.",
    ),
    "recovery": (
        "Ask how the weekend plan went.",
        "Bring the weekly planner back to go over together.",
        "Look up recovery meetings near the new place.",
    ),
    "grief": (
        "Check in after the anniversary.",
        "Find the bereavement group's meeting times.",
    ),
    "benefits": (
        "Ask whether the advice centre has looked at the decision.",
        "Bring the hardship fund information.",
    ),
    "loneliness": (
        "Ask how the craft evening went.",
        "Find out the walking group times.",
    ),
    "employment": (
        "Look over the CV together.",
        "Ask how the interview went.",
    ),
}

_FREE_REFLECTIONS: tuple[tuple[str, str], ...] = (
    (
        "Carrying it home",
        "I noticed I was still thinking about today's sessions while cooking tea. Nothing "
        "went wrong; it was the weight of a few heavy stories in a row. I went for a walk and "
        "named, out loud, what belongs to me and what does not. That helped more than I "
        "expected.\n\nNote to self: leave a gap between heavy sessions when I can.",
    ),
    (
        "What lived experience gives and takes",
        "My own recovery lets me sit with people in a way that feels real. It also means some "
        "stories land close to home. This week I caught myself wanting to fix things for "
        "someone because I remember being where they are. Better to ask what they want than "
        "to hand them my map.",
    ),
    (
        "A good week",
        "Two people I support hit milestones this week: a move into a new flat, and ninety "
        "days. I want to remember weeks like this on the days when progress feels slow. They "
        "did the work; I got to be there for it.",
    ),
)

_GIBBS_REFLECTIONS: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "The missed appointment",
        {
            "Description": "Someone I support missed our session without a message, for the "
            "second time. I waited twenty minutes and then sent a short, warm text.",
            "Feelings": "Worried first, then a bit irritated, then guilty for being irritated.",
            "Evaluation": "The text was good: kind, no pressure. Waiting twenty minutes was "
            "fine. Letting the irritation sit with me all afternoon was not.",
            "Analysis": "Missed sessions often mean life got hard, not that the person does "
            "not care. My irritation was really about my own time and feeling useless.",
            "Conclusion": "I can care about someone and still have limits on my time. Both "
            "are true.",
            "Action plan": "Agree at the next session how we let each other know about "
            "changes. Bring my reaction to supervision.",
        },
    ),
    (
        "When the group went quiet",
        {
            "Description": "In group, one member became upset talking about a loss and the "
            "room went silent.",
            "Feelings": "My heart raced. I wanted to fill the silence quickly.",
            "Evaluation": "I waited a few breaths, then thanked them for sharing. Others "
            "followed with kind words. It worked better than rushing in would have.",
            "Analysis": "Silence in a group can be holding rather than empty. My urge to fill "
            "it was about my discomfort.",
            "Conclusion": "Trust the group more. My job is to keep it safe, not to keep it busy.",
            "Action plan": "Practise counting three breaths before speaking into a silence.",
        },
    ),
)

_SELF_DISCLOSURE_REFLECTIONS: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "Sharing my first year",
        {
            "What I shared": "That my first year of recovery had slips in it too, and that I "
            "nearly stopped going to meetings after one.",
            "Why I shared it (whose need did it meet?)": "Theirs, I think: they were sure a "
            "slip meant they had failed. I kept it short and brought it back to them.",
            "How they responded": "They looked up and said it helped to know. They talked "
            "more openly afterwards.",
            "How it landed on me": "A little raw that evening. Fine by the next day.",
            "Would I share it again?": "Yes, in the same short way, and only when it serves them.",
        },
    ),
    (
        "Talking about my own loss",
        {
            "What I shared": "That I lost someone close a few years ago and that the first "
            "year was the hardest.",
            "Why I shared it (whose need did it meet?)": "Partly theirs, partly mine. I felt "
            "the pull to connect and I am not sure the timing was right.",
            "How they responded": "Kindly, but they started asking about me, and the session "
            "drifted.",
            "How it landed on me": "I felt exposed and a bit guilty for taking up their space.",
            "Would I share it again?": "Maybe, but later in the relationship and in one "
            "sentence. Worth talking through in supervision.",
        },
    ),
)

_SUPERVISION_REFLECTIONS: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "Supervision prep: dual relationships",
        {
            "What I want to bring": "Someone I support uses the same community garden as me. "
            "We agreed how to say hello, but I want to check the boundaries.",
            "What went well": "We talked about it openly at the start, and they chose what "
            "felt comfortable.",
            "Where I felt stuck": "What to do if they start talking about their situation "
            "at the garden.",
            "Boundaries and confidentiality questions": "Should I log the arrangement "
            "anywhere else? What if others at the garden ask how we know each other?",
            "How I am looking after myself": "Keeping the garden as my own time; not "
            "checking messages while I am there.",
            "What I need from supervision": "A clear, kind script for the awkward moments.",
        },
    ),
    (
        "Supervision prep: after the crisis call",
        {
            "What I want to bring": "The session where I had to contact the crisis team, and "
            "how I have been since.",
            "What went well": "I followed the steps, stayed calm, and the person was part of "
            "every decision.",
            "Where I felt stuck": "Afterwards, at home. I kept replaying it and could not sleep.",
            "Boundaries and confidentiality questions": "Did I share the minimum? I want to "
            "go through exactly what I said on the call.",
            "How I am looking after myself": "Took the next afternoon off, talked to a "
            "colleague, went to my own group.",
            "What I need from supervision": "Reassurance where it is due, honest feedback "
            "where it is not, and a debrief plan for next time.",
        },
    ),
)


# The last supervision: after the stretch of rising stress ("Asked my supervisor for time"),
# bringing two reflections of the weeks before it. The crisis-call event and the reflections
# marked after it wait for the next one, due within the coming week.
_SUPERVISION_DAYS_AGO = 24
_NEXT_SUPERVISION_IN_DAYS = 4
_SUPERVISION_BROUGHT = ("The missed appointment", "Supervision prep: dual relationships")
_SUPERVISION_NOTES = (
    "The missed appointment: the irritation was about my own time and feeling useless, not "
    "about them. Noticing it is part of the work, not a failing.\n\n"
    "The community garden: we agreed a short, kind script for saying hello there, and for "
    "bringing any talk about their situation back to our sessions. Nothing to log elsewhere; "
    "the arrangement is noted on the alias.\n\n"
    "How I am: stretched these last weeks. Agreed to say no to extra shifts for a month and "
    "to keep my own group as a fixed point."
)
# (action, done how many days ago; None: still open)
_SUPERVISION_ACTIONS: tuple[tuple[str, int | None], ...] = (
    ("Write the garden script on a card and keep it in my bag", 20),
    ("At each first session, agree how we let each other know about changes", None),
)


# The wellbeing story of the twelve weeks (days ago, mood, energy, stress, self-care): steady
# weeks, then a busier stretch covering a colleague's drop-in with stress rising to the crisis
# call, a talk with the supervisor, and a gradual recovery. "My wellbeing" shows it.
_WELLBEING_STORY: tuple[tuple[int, int, int, int, str], ...] = (
    (83, 4, 4, 2, "Long walk by the river with the phone off"),
    (80, 4, 3, 2, "Gardening"),
    (78, 3, 4, 3, "Swim after work"),
    (76, 4, 4, 2, "Called my sister, early night"),
    (73, 4, 3, 2, "Long walk by the river with the phone off"),
    (71, 3, 3, 3, "Cooked a proper meal and ate it at the table"),
    (69, 4, 4, 2, "Gardening, read for an hour"),
    (66, 4, 3, 2, "Swim after work"),
    (64, 3, 3, 3, "Early night"),
    (62, 4, 3, 2, "Long walk by the river with the phone off"),
    (59, 3, 3, 3, "Called my sister"),
    (57, 3, 3, 3, "Early night"),
    (55, 3, 3, 3, "Gardening"),
    (52, 3, 3, 3, "Swim after work"),
    (49, 3, 3, 3, "Early night"),
    (47, 3, 2, 4, "Takeaway, early night"),
    (45, 3, 3, 4, "Early night"),
    (43, 2, 2, 4, ""),
    (41, 2, 2, 4, "Early night"),
    (39, 2, 2, 5, "Nothing much today. Noticing that"),
    (38, 3, 2, 4, "Talked it through with a colleague"),
    (36, 2, 2, 5, ""),
    (34, 2, 2, 4, "Early night"),
    (32, 2, 1, 5, "Nothing much today. Noticing that"),
    (30, 1, 1, 5, "Talked it through with a colleague"),
    (29, 2, 2, 4, "Took the afternoon off"),
    (27, 3, 2, 4, "Asked my supervisor for time, early night"),
    (25, 3, 3, 3, "Went to my own support group"),
    (22, 3, 3, 3, "Said no to an extra shift, long walk by the river"),
    (20, 3, 3, 3, "Called my sister"),
    (18, 4, 3, 2, "Went to my own support group"),
    (15, 4, 4, 3, "Long walk by the river with the phone off"),
    (13, 4, 3, 2, "Gardening"),
    (11, 4, 4, 2, "Swim after work"),
    (8, 4, 4, 2, "Went to my own support group"),
    (6, 4, 3, 2, "Called my sister, early night"),
    (4, 5, 4, 2, "Long walk by the river with the phone off"),
    (1, 4, 4, 2, "Gardening, read for an hour"),
)

# The busier stretch: covering a colleague's weekly drop-in group, twice a week for three weeks.
_COVER_DAYS = (48, 45, 41, 38, 34, 31)
_COVER_FOCUS = (
    "Covering the weekly drop-in while a colleague is on leave.",
    "Drop-in cover: a quiet start, then a full room.",
    "Drop-in cover: two newcomers and a lot of questions about benefits.",
    "Drop-in cover: a heavy conversation about loss.",
    "Drop-in cover on a day that was already full.",
    "The last drop-in before it goes back to the team rotation.",
)
_COVER_VISITS: tuple[dict[str, str], ...] = (
    {
        "support_offered": "Kept the usual format: a round of how the week went, then open "
        "conversation over tea.",
        "response": "A smaller group than usual; people were kind about a new face.",
        "strengths": "The regulars welcomed two newcomers without being asked.",
        "next_steps": "Same again next time.",
        "notes": "A long day on top of my own sessions. I was tired before it started.",
    },
    {
        "support_offered": "Listened more than I talked; pointed two people to the benefits "
        "advice session.",
        "response": "Busy and a bit chaotic, but people left in good spirits.",
        "strengths": "People looked after each other when I was pulled into a long chat.",
        "next_steps": "Ask about handing the drop-in back to the team rotation.",
        "notes": "Skipped lunch again to fit it in. I need to say something about the load.",
    },
)

_ASKING_FOR_HELP = (
    "Asking for help with the load",
    "The last few weeks have been a lot: covering the drop-in on top of my own people, and "
    "then the crisis call. I asked my supervisor for an extra half hour. We agreed the "
    "drop-in goes back to the team rotation from next week, and that I take the afternoon off "
    "after any crisis call. I said I would call the employee assistance line if my sleep does "
    "not come back. Writing this down so I remember that asking helped.",
)


def fill_demo_journal(
    journal: Journal, *, seed: int = 7, today: date | None = None
) -> dict[str, int]:
    """Fill an empty `journal` with fictional sample data; return how many of each kind.

    The same `seed` and `today` always produce the same records (ids included). Raises
    UsageError when the journal already holds records, so a real journal is never mixed
    with invented people.
    """
    if any(journal.counts().values()):
        raise UsageError("Demo data can only be added to an empty journal.")
    # Seeded on purpose: the demo must be reproducible, and nothing here is a secret.
    builder = _DemoBuilder(random.Random(seed), today or date.today())  # noqa: S311
    with journal.transaction():
        for record in builder.build():
            journal.save(record, keep_times=True)
    return journal.counts()


class _DemoBuilder:
    """Turns the content pools above into records, in an order the database accepts."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today

    # ---- small helpers

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def day(self, days_ago: int) -> date:
        return self.today - timedelta(days=days_ago)

    def moment(self, day: date, hour: int, minute: int = 0) -> str:
        return datetime.combine(day, time(hour, minute)).astimezone().isoformat(timespec="seconds")

    def session_time(self, day: date) -> str:
        return self.moment(day, self.rng.randint(9, 16), self.rng.choice((0, 15, 30, 45)))

    # ---- records

    def build(self) -> list[Any]:
        aliases: list[Alias] = []
        sessions: list[Session] = []
        by_alias: dict[str, list[Session]] = {}
        themes_of: dict[str, tuple[str, ...]] = {}
        extra: list[Any] = []

        # Each theme's visits are used in order and once each, so nobody repeats another
        # person's session, and a person's story moves forward over time.
        queues = {theme: list(visits) for theme, visits in _VISITS.items()}
        for person in _PEOPLE:
            alias, alias_sessions, alias_extra = self.person(person, queues)
            aliases.append(alias)
            sessions.extend(alias_sessions)
            by_alias[alias.id] = alias_sessions
            themes_of[alias.id] = person.themes
            extra.extend(alias_extra)
        sessions.extend(self.group_sessions())
        reflections = self.reflections(sessions, aliases)
        follow_ups = self.follow_ups(aliases, by_alias, themes_of)
        checkins = self.checkins()
        cover = self.cover_sessions()
        asking = self.asking_for_help()
        # Last, so the random draws (and ids) of everything above stay as they were.
        cycle = self.supervision_cycle(reflections)
        return [
            *aliases,
            *sessions,
            *extra,
            *reflections,
            *follow_ups,
            *checkins,
            *cover,
            asking,
            *cycle,
        ]

    def person(
        self, person: _Person, queues: dict[str, list[dict[str, str]]]
    ) -> tuple[Alias, list[Session], list[Any]]:
        days_ago = sorted(
            self.rng.sample(range(person.newest_day, person.oldest_day + 1), person.sessions),
            reverse=True,
        )
        first_day = self.day(days_ago[0])
        alias = Alias(
            id=self.new_id(),
            pseudonym=person.pseudonym,
            status=person.status,
            themes=list(person.themes),
            knows_me_outside_work=person.knows_me_outside_work,
            consent_note=person.consent_note,
            limits_explained_on=first_day.isoformat(),
            limits_explained_note="Risk to their life or someone else's, harm to a child, "
            "and a court order; that I talk with my supervisor without their name.",
            notes=person.notes,
        )
        alias.created_at = self.moment(first_day, 8, 30)
        alias.updated_at = alias.created_at
        sessions: list[Session] = []
        extra: list[Any] = []
        for index, ago in enumerate(days_ago):
            theme = person.themes[index % len(person.themes)]
            flag = _SAFETY_SESSIONS.get((person.pseudonym, index), "none")
            if flag == "concern":
                visit = _CONCERN_VISIT
            elif flag == "limits_reached":
                visit = _LIMITS_VISIT
            elif queues[theme]:
                visit = queues[theme].pop(0)
            else:
                visit = self.rng.choice(_VISITS[theme])
            session = self.session(self.day(ago), visit, alias_id=alias.id, tags=[theme])
            session.safety_flag = flag
            if flag != "none":
                session.tags.append("safety")
            if person.pseudonym == "River" and index == 4:
                session.shared_my_story = True
            sessions.append(session)
            if flag == "concern":
                extra.append(
                    ConfidentialityEvent(
                        id=self.new_id(),
                        session_id=session.id,
                        alias_id=alias.id,
                        at=session.occurred_at,
                        occasion="concern",
                        category="risk_to_self",
                        limits_explained_before=True,
                        consulted_role="My supervisor",
                        reason="No plan, protective factors in place, and a safety plan we "
                        "made together; they asked me to keep it between us.",
                        outcome="Not to share anything now; check in within two days as "
                        "agreed, and talk again if anything changes.",
                    )
                )
            if flag == "limits_reached":
                extra.append(
                    ConfidentialityEvent(
                        id=self.new_id(),
                        session_id=session.id,
                        alias_id=alias.id,
                        at=session.occurred_at,
                        category="risk_to_self",
                        limits_explained_before=True,
                        consulted_role="On-call supervisor",
                        disclosed_to="Mental health crisis team",
                        disclosed_minimum="That the person was at immediate risk, the plan they "
                        "described, and where we were, so the crisis team could respond.",
                        reason="A specific plan to end their life tonight: the service's "
                        "procedure for risk to life, which I had explained at our first meeting.",
                        person_involvement="told_before",
                        person_involvement_note="I told them what I would share and why before "
                        "making the call.",
                        official_record="yes",
                        outcome="The crisis team came within the hour; they stayed overnight.",
                        how_it_landed="Shaky afterwards; relieved we did it together.",
                        for_supervision=True,
                        notes="They were in the room for the call and agreed to speak to the "
                        "crisis worker themselves.",
                    )
                )
        if sessions:
            alias.updated_at = sessions[-1].occurred_at
        return alias, sessions, extra

    def session(
        self,
        day: date,
        visit: dict[str, Any],
        *,
        alias_id: str | None,
        tags: list[str],
        modality: str = "individual",
    ) -> Session:
        if modality == "group":
            method, setting, duration = "in_person", "community", 90
        else:
            method = self.rng.choices(
                ("in_person", "phone", "video", "text"), weights=(6, 2, 1, 1)
            )[0]
            setting = (
                "remote"
                if method != "in_person"
                else self.rng.choice(("community", "community", "office"))
            )
            duration = self.rng.choice((30, 45, 45, 50, 60))
        occurred_at = self.session_time(day)
        session = Session(
            id=self.new_id(),
            alias_id=alias_id,
            occurred_at=occurred_at,
            duration_min=duration,
            modality=modality,
            method=method,
            setting=setting,
            reviewed_with_person=modality == "individual" and self.rng.random() < 0.4,
            tags=list(tags),
            **visit,
        )
        session.created_at = occurred_at
        session.updated_at = occurred_at
        return session

    def group_sessions(self) -> list[Session]:
        sessions = []
        for index, visit in enumerate(_GROUP_VISITS):
            ago = 80 - index * 21 + self.rng.randint(0, 3)
            sessions.append(
                self.session(self.day(ago), visit, alias_id=None, tags=["group"], modality="group")
            )
        return sessions

    def reflections(self, sessions: list[Session], aliases: list[Alias]) -> list[Reflection]:
        reflections: list[Reflection] = []
        story = next((s for s in sessions if s.shared_my_story), None)
        limits = next((s for s in sessions if s.safety_flag == "limits_reached"), None)

        def add(
            template: str,
            title: str,
            body: str,
            days_ago: int,
            *,
            session: Session | None = None,
            for_supervision: bool = False,
            tags: tuple[str, ...] = (),
        ) -> None:
            on = self.day(days_ago)
            if session is not None:
                on = max(on, date.fromisoformat(session.occurred_at[:10]))
            reflection = Reflection(
                id=self.new_id(),
                occurred_on=on.isoformat(),
                template=template,
                title=title,
                body=body,
                session_id=session.id if session else None,
                for_supervision=for_supervision,
                tags=list(tags),
            )
            reflection.created_at = self.moment(on, 21, 0)
            reflection.updated_at = reflection.created_at
            reflections.append(reflection)

        for index, (title, body) in enumerate(_FREE_REFLECTIONS):
            add("free", title, body, 75 - index * 30 + self.rng.randint(0, 4), tags=("self-care",))
        for index, (title, sections) in enumerate(_GIBBS_REFLECTIONS):
            add(
                "gibbs",
                title,
                _template_text("gibbs", sections),
                60 - index * 35 + self.rng.randint(0, 4),
                for_supervision=index == 0,
                tags=("practice",),
            )
        for index, (title, sections) in enumerate(_SELF_DISCLOSURE_REFLECTIONS):
            add(
                "self_disclosure",
                title,
                _template_text("self_disclosure", sections),
                50 - index * 30,
                session=story if index == 0 else None,
                for_supervision=index == 1,
                tags=("lived-experience",),
            )
        for index, (title, sections) in enumerate(_SUPERVISION_REFLECTIONS):
            add(
                "supervision",
                title,
                _template_text("supervision", sections),
                45 - index * 40 + self.rng.randint(0, 3),
                session=limits if index == 1 else None,
                for_supervision=True,
                tags=("supervision",),
            )
        return reflections

    def follow_ups(
        self,
        aliases: list[Alias],
        by_alias: dict[str, list[Session]],
        themes_of: dict[str, tuple[str, ...]],
    ) -> list[FollowUp]:
        active = [a for a in aliases if a.status == "active"]
        closed = [a for a in aliases if a.status == "closed"]
        # (days from today, status, owner): overdue, today, this week, later, done, dropped.
        plan: list[tuple[int, str, str]] = [
            (-6, "open", "me"),
            (-3, "open", "them"),
            (-1, "open", "me"),
            (0, "open", "me"),
            (2, "open", "both"),
            (4, "open", "me"),
            (6, "open", "them"),
            (12, "open", "me"),
            (20, "open", "both"),
            (-20, "done", "me"),
            (-12, "done", "them"),
            (-8, "done", "me"),
            (-2, "done", "both"),
            (-30, "dropped", "me"),
        ]
        follow_ups: list[FollowUp] = []
        used: set[str] = set()
        for index, (offset, status, owner) in enumerate(plan):
            alias = closed[0] if status == "dropped" and closed else active[index % len(active)]
            due = self.today + timedelta(days=offset)
            earlier = [
                s for s in by_alias[alias.id] if date.fromisoformat(s.occurred_at[:10]) <= due
            ]
            session = earlier[-1] if earlier else None
            # The follow-up is what was agreed at the session; a theme's stock action when
            # that session's next steps are already someone else's follow-up.
            if session is not None and session.next_steps and session.id not in used:
                used.add(session.id)
                action = session.next_steps
            else:
                action = self.rng.choice(_FOLLOW_UP_ACTIONS[self.rng.choice(themes_of[alias.id])])
            follow_ups.append(
                FollowUp(
                    id=self.new_id(),
                    alias_id=alias.id,
                    session_id=session.id if session else None,
                    due_on=due.isoformat(),
                    action=action,
                    owner=owner,
                    status=status,
                    done_at=self.moment(due, 18, 0) if status == "done" else None,
                )
            )
        return follow_ups

    def checkins(self) -> list[CheckIn]:
        """The twelve weeks of _WELLBEING_STORY, in the evenings."""
        return [
            CheckIn(
                id=self.new_id(),
                at=self.moment(self.day(ago), self.rng.randint(19, 22), 0),
                mood=mood,
                energy=energy,
                stress=stress,
                self_care=self_care,
            )
            for ago, mood, energy, stress, self_care in _WELLBEING_STORY
        ]

    def cover_sessions(self) -> list[Session]:
        return [
            self.session(
                self.day(ago),
                {"goal_focus": focus, **_COVER_VISITS[index % len(_COVER_VISITS)]},
                alias_id=None,
                tags=["group", "cover"],
                modality="group",
            )
            for index, (ago, focus) in enumerate(zip(_COVER_DAYS, _COVER_FOCUS, strict=True))
        ]

    def asking_for_help(self) -> Reflection:
        on = self.day(28)
        title, body = _ASKING_FOR_HELP
        reflection = Reflection(
            id=self.new_id(),
            occurred_on=on.isoformat(),
            template="free",
            title=title,
            body=body,
            tags=["self-care", "supervision"],
        )
        reflection.created_at = self.moment(on, 21, 30)
        reflection.updated_at = reflection.created_at
        return reflection

    def supervision_cycle(self, reflections: list[Reflection]) -> list[Any]:
        """The last supervision (_SUPERVISION_DAYS_AGO): two reflections brought from earlier
        weeks, notes, two actions owned by me (due at the next one; one done already) and the
        next date within the coming week. What was marked after it waits for the next one."""
        on = self.day(_SUPERVISION_DAYS_AGO)
        brought = [
            r.id
            for r in reflections
            if r.title in _SUPERVISION_BROUGHT and date.fromisoformat(r.occurred_on) < on
        ]
        next_on = self.today + timedelta(days=_NEXT_SUPERVISION_IN_DAYS)
        supervision = Supervision(
            id=self.new_id(),
            occurred_on=on.isoformat(),
            supervisor_role="Peer support lead",
            format="individual",
            items=brought,
            notes=_SUPERVISION_NOTES,
            next_on=next_on.isoformat(),
        )
        supervision.created_at = self.moment(on, 16, 0)
        supervision.updated_at = supervision.created_at
        actions = [
            FollowUp(
                id=self.new_id(),
                due_on=next_on.isoformat(),
                action=action,
                owner="me",
                status="done" if done_days_ago is not None else "open",
                done_at=(
                    self.moment(self.day(done_days_ago), 18, 0)
                    if done_days_ago is not None
                    else None
                ),
                supervision_id=supervision.id,
            )
            for action, done_days_ago in _SUPERVISION_ACTIONS
        ]
        return [supervision, *actions]


def _template_text(template: str, sections: dict[str, str]) -> str:
    """A template's body with every heading filled in, in the template's own order."""
    _, headings = REFLECTION_TEMPLATES[template]
    return "\n\n".join(f"## {heading}\n{sections[heading]}" for heading in headings)
