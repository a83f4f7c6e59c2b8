"""Invented people and plan text for the demo districts (paradesk/demo/districts.py).

Every name here is made up. Surnames are invented compound words so no demo student can be
mistaken for a real child; goals, accommodations and behavior plans are written the way IEP teams
write them, so the demo reads like a real caseload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from paradesk.plans.models import DEFAULT_PROMPT_HIERARCHY

STUDENT_FIRST_NAMES = [
    "Amara", "Beckett", "Calla", "Dashiell", "Ember", "Fennick", "Giselle", "Hollis", "Ione", "Jorah",
    "Kestrel", "Lorcan", "Mireille", "Nico", "Oriel", "Pax", "Quinlan", "Rosalind", "Sorrel", "Tamsin",
    "Ulric", "Vesper", "Wren", "Xander", "Yarrow", "Zephyr", "Aurelio", "Briar", "Cosimo", "Delphine",
    "Emrys", "Florian", "Galen", "Honora", "Ilario", "Juniper", "Kaito", "Linnea", "Marisol", "Nalani",
    "Odalys", "Perrin", "Rafferty", "Saoirse", "Teodoro", "Umeko", "Valentin", "Wilhelmina", "Yusra", "Zuri",
]  # fmt: skip

STUDENT_LAST_NAMES = [
    "Applewhistle", "Brambleton", "Cinderfell", "Dapplemoor", "Elderquill", "Fernhollow", "Glimmerbrook",
    "Hazelwick", "Inkwillow", "Juniperhale", "Kettlebright", "Larkspurrow", "Marblethorne", "Nettlecombe",
    "Oakenwhistle", "Pemberwick", "Quillfeather", "Rookwhisper", "Sparrowdale", "Thistlewaite",
    "Umberfield", "Velvetmoss", "Willowmere", "Yellowfinch", "Zinniastone", "Amberglen", "Birchwhistle",
    "Copperkettle", "Dewberrow", "Emberwick",
]  # fmt: skip

STAFF_FIRST_NAMES = [
    "Adele", "Bram", "Corinne", "Desmond", "Estelle", "Fabian", "Greer", "Horace", "Imogen", "Jasper",
    "Kenna", "Leopold", "Marguerite", "Nolan", "Ottilie", "Percival", "Rosamund", "Silas", "Thea", "Ulysses",
]  # fmt: skip

STAFF_LAST_NAMES = [
    "Ashgrove", "Bellwether", "Candlewood", "Driftmoor", "Eastbrook", "Foxglove", "Greywillow", "Hartwell",
    "Ivybridge", "Jasperleigh", "Kingsfoil", "Lanternfield", "Mossbank", "Northwind", "Orchardly",
    "Pinecrest", "Quarrystone", "Ravenhill", "Stillwater", "Tumbledown",
]  # fmt: skip


@dataclass(frozen=True)
class GoalTemplate:
    """A goal as an IEP team writes it, how it is measured, and what the para does for it.

    Text holds `{first}` (the student's first name) and `{by}` (month and year of the target date).
    """

    area: str
    text: str
    present_level: str
    measure: dict[str, Any]
    direction: dict[str, str]
    discipline: str = ""  # the related-service provider who owns the goal, if not the case manager


TRIALS = "trials"
SUPPORT_FIRST_HIERARCHY = ["independent", "verbal", "gestural", "model", "partial_physical", "full_physical"]

GOALS: list[GoalTemplate] = [
    GoalTemplate(
        area="Reading",
        text=(
            "By {by}, when shown 20 first-grade high-frequency words on flash cards, {first} will read each "
            "word aloud within 3 seconds with 90% accuracy, independently, across 3 consecutive sessions."
        ),
        present_level=(
            "{first} reads 8 of 20 first-grade high-frequency words within 3 seconds (40%). With a verbal "
            "prompt of the first sound, {first} reads 13 of 20."
        ),
        measure={
            "name": "High-frequency words read within 3 seconds",
            "method": TRIALS,
            "unit": "percent",
            "trials_per_session": 20,
            "prompt_hierarchy": DEFAULT_PROMPT_HIERARCHY,
            "goal_support_level": "independent",
            "mastery_max_prompt_level": "independent",
            "mastery_min_trials": 10,
            "mastery_min_staff": 2,
            "baseline_value": 40,
            "target_value": 90,
        },
        direction={
            "setup": "At the small table, seated side by side. Shuffle the 20 cards before each session.",
            "materials": "Blue word-card ring (List B), data sheet or Paradesk on the tablet.",
            "what_to_say": 'Show one card and say: "Read this word." Say nothing else while you wait.',
            "prompting": (
                'Wait 3 seconds. No answer: say the first sound ("/th/...") and score verbal. Still no '
                "answer: say the word, have {first} repeat it, score model."
            ),
            "error_correction": (
                'Say "This word is ___. Read it." Put the card back 3 cards later in the pile. Never '
                'say "No" or "Wrong".'
            ),
            "why": (
                "We are building automatic recognition, so only answers within 3 seconds count. Moving "
                "missed words back into the pile gives more practice without more failure."
            ),
        },
    ),
    GoalTemplate(
        area="Communication",
        text=(
            "By {by}, during snack, centers and recess, {first} will use the AAC device to request a "
            'preferred item or activity with a 2-word phrase (e.g. "want swing") in 8 of 10 opportunities '
            "with no more than a verbal prompt, across 3 settings."
        ),
        present_level=(
            "{first} requests by leading an adult by the hand or reaching. With a model on the device, "
            '{first} touches single words ("more", "eat") in about 4 of 10 opportunities.'
        ),
        measure={
            "name": "Two-word requests on the AAC device",
            "method": TRIALS,
            "unit": "percent",
            "trials_per_session": 10,
            "prompt_hierarchy": SUPPORT_FIRST_HIERARCHY,
            "goal_support_level": "verbal",
            "mastery_threshold": 80,
            "mastery_min_settings": 3,
            "mastery_max_prompt_level": "verbal",
            "baseline_value": 40,
            "target_value": 80,
            "schedule_kind": "per_week",
            "sessions_per_week": 3,
        },
        direction={
            "setup": "Hold a preferred item in view but out of reach. Device on, core-word page open.",
            "materials": "AAC device, 3 preferred items from the interest list in the snapshot.",
            "what_to_say": (
                'Nothing at first: wait with an expectant look for 5 seconds. Then: "What do you want?"'
            ),
            "prompting": (
                'This team puts verbal before gestural. Wait 5 s, then "Tell me with your talker"; then '
                'point to "want"; then model the 2 words on the device yourself.'
            ),
            "error_correction": (
                'If {first} grabs, block gently, model "want ___" on the device, then give it.'
            ),
            "why": (
                "Requests are the fastest way to show that the device works for {first}. Modeling on the "
                "device (not saying the words) teaches where the words live."
            ),
        },
        discipline="slp",
    ),
    GoalTemplate(
        area="Math",
        text=(
            "By {by}, given a mix of pennies, nickels, dimes and quarters, {first} will identify each coin "
            'by name and value when asked "Show me the ___" in 9 of 10 trials at the independent or '
            "gestural level across 3 consecutive sessions."
        ),
        present_level=(
            "{first} identifies pennies and quarters reliably; confuses nickels and dimes (3 of 10)."
        ),
        measure={
            "name": "Coins identified by name and value",
            "method": TRIALS,
            "unit": "percent",
            "trials_per_session": 10,
            "prompt_hierarchy": DEFAULT_PROMPT_HIERARCHY,
            "goal_support_level": "gestural",
            "baseline_value": 30,
            "target_value": 90,
        },
        direction={
            "setup": "Lay out one of each coin in a row; change the order every trial.",
            "materials": "Real coins in the green pouch (not plastic).",
            "what_to_say": '"Show me the dime." After a correct touch: "How much is a dime worth?"',
            "prompting": (
                "Wait 4 seconds, then point toward the right coin (gestural); then touch it (model)."
            ),
            "error_correction": "Touch the right coin, name it and its value, then ask again right away.",
            "why": "Real coins and a changing order stop {first} from learning a position instead of a coin.",
        },
    ),
    GoalTemplate(
        area="Daily living",
        text=(
            "By {by}, after using the restroom and before lunch, {first} will complete the 8-step "
            "hand-washing routine with 7 of 8 steps independent for 5 consecutive school days."
        ),
        present_level=(
            "{first} completes 2 of 8 steps independently (turns on the water, wets hands); needs "
            "partial physical help with soap, scrubbing and drying."
        ),
        measure={
            "name": "Hand-washing steps completed independently",
            "method": "task_analysis",
            "unit": "percent",
            "task_steps": [
                "Turn on the water",
                "Wet both hands",
                "Press the soap pump once",
                "Scrub palms, backs and fingers while counting to 20",
                "Rinse off all soap",
                "Turn off the water",
                "Dry hands with a paper towel",
                "Throw the towel in the bin",
            ],
            "chaining": "backward",
            "probe_type": "multiple",
            "prompt_hierarchy": DEFAULT_PROMPT_HIERARCHY,
            "goal_support_level": "independent",
            "mastery_threshold": 88,
            "mastery_consecutive_sessions": 5,
            "baseline_value": 25,
            "target_value": 88,
        },
        direction={
            "setup": "Stand behind and slightly to the side of {first} at the sink, not in front.",
            "materials": "Picture strip of the 8 steps taped above the sink.",
            "what_to_say": '"Time to wash hands." Then stay quiet: the picture strip does the talking.',
            "prompting": (
                "Backward chaining: you help with every step except the last one not yet mastered, which "
                "{first} does alone. Fade from partial physical (hand over wrist) to a point at the picture."
            ),
            "error_correction": "Stop the step, point to its picture, help just enough, and go on.",
            "why": (
                "Finishing the routine alone each time ends the chain with success; the steps {first} "
                "learns first are the ones that lead straight to being done."
            ),
        },
        discipline="ot",
    ),
    GoalTemplate(
        area="Independence",
        text=(
            "By {by}, upon arrival, {first} will complete the 6-step morning routine (backpack, folder, "
            "lunch choice, seat, morning work) with no more than a gestural prompt on any step for 4 of "
            "5 days per week."
        ),
        present_level=(
            "{first} completes the routine with verbal reminders at 4 of 6 steps, taking about 12 minutes."
        ),
        measure={
            "name": "Arrival routine steps at gestural or less",
            "method": "task_analysis",
            "unit": "percent",
            "task_steps": [
                "Hang backpack on hook",
                "Take out take-home folder",
                "Put folder in the turn-in bin",
                "Move name clip to lunch choice",
                "Sit at assigned seat",
                "Start the morning work page",
            ],
            "chaining": "total_task",
            "probe_type": "multiple",
            "prompt_hierarchy": DEFAULT_PROMPT_HIERARCHY,
            "goal_support_level": "gestural",
            "baseline_value": 33,
            "target_value": 100,
        },
        direction={
            "setup": "Meet {first} at the classroom door. Let the routine happen; do not walk ahead.",
            "materials": "Arrival checklist card on {first}'s desk.",
            "what_to_say": (
                '"Good morning! Check your list." Nothing more unless a step stalls for 10 seconds.'
            ),
            "prompting": "Point to the next picture on the card first. Say the step only if pointing fails.",
            "error_correction": "If a step is skipped, point back to it on the card and wait.",
            "why": (
                "Total-task chaining: every step every day. Adult talk becomes the cue if we keep giving "
                "it, so the card, not you, tells {first} what comes next."
            ),
        },
    ),
    GoalTemplate(
        area="Behavior",
        text=(
            "By {by}, during 30-minute whole-group lessons, {first} will raise a hand and wait to be called "
            "on, reducing call-outs from an average of 14 per lesson to 3 or fewer per lesson for 4 "
            "consecutive weeks."
        ),
        present_level="Over 5 observed math lessons {first} called out 11-17 times per lesson (mean 14).",
        measure={
            "name": "Call-outs during whole-group lessons",
            "method": "count",
            "direction": "decrease",
            "unit": "count",
            "observation_window": "30-minute whole-group math or ELA lesson",
            "baseline_value": 14,
            "target_value": 3,
            "mastery_threshold": 100,
            "mastery_consecutive_sessions": 4,
        },
        direction={
            "setup": "Sit within arm's reach, behind and to the left, with the tally counter.",
            "materials": "Tally counter, hand-raise reminder card on the desk.",
            "what_to_say": "Nothing during a call-out. When {first} raises a hand: quiet thumbs-up.",
            "prompting": 'Before the lesson, touch the hand-raise card once and say "Hands up today."',
            "error_correction": "Do not answer or repeat a called-out answer. Count it and move on.",
            "why": (
                "Call-outs get attention; this plan gives attention for hand-raising instead. Counting "
                "only during the same 30-minute lesson keeps the counts comparable from day to day."
            ),
        },
    ),
    GoalTemplate(
        area="Reading fluency",
        text=(
            "By {by}, given an unpracticed passage at the instructional level, {first} will read aloud at "
            "70 words correct per minute with 95% accuracy on 3 consecutive weekly probes."
        ),
        present_level="{first} reads 38 words correct per minute with 88% accuracy (median of 3 probes).",
        measure={
            "name": "Words read correctly per minute",
            "method": "rate",
            "unit": "per_minute",
            "observation_window": "1-minute timed oral reading",
            "baseline_value": 38,
            "target_value": 70,
            "schedule_kind": "per_week",
            "sessions_per_week": 1,
        },
        direction={
            "setup": "Quiet spot in the hall nook; stopwatch ready; examiner copy on your clipboard.",
            "materials": "Weekly probe passage (student and examiner copies), stopwatch.",
            "what_to_say": (
                '"When I say begin, read out loud. Do your best reading." Start timing on the first word.'
            ),
            "prompting": "If {first} stops for 3 seconds, say the word and mark it as an error.",
            "error_correction": "None during the minute. Afterward, practice the missed words together.",
            "why": "A fresh passage each week measures real fluency, not memory of one text.",
        },
    ),
    GoalTemplate(
        area="Math",
        text=(
            "By {by}, given a 2-minute probe of mixed addition and subtraction facts to 20, {first} will "
            "write 30 correct digits per minute on 3 consecutive weekly probes."
        ),
        present_level="{first} writes 12 correct digits per minute and counts on fingers for most facts.",
        measure={
            "name": "Correct digits per minute, facts to 20",
            "method": "rate",
            "unit": "per_minute",
            "observation_window": "2-minute timed probe",
            "baseline_value": 12,
            "target_value": 30,
            "schedule_kind": "per_week",
            "sessions_per_week": 2,
        },
        direction={
            "setup": "Desk cleared except the probe and a pencil.",
            "materials": "Probe sheets from the math binder (use the next one in order), timer.",
            "what_to_say": '"Work across the rows. Skip any you don\'t know. Begin."',
            "prompting": "No prompting during the probe.",
            "error_correction": "After the probe, review the 3 facts missed most with the strategy card.",
            "why": "Digits correct gives credit for partly right answers, so growth shows sooner.",
        },
    ),
    GoalTemplate(
        area="Work habits",
        text=(
            "By {by}, during independent work time, {first} will stay engaged with the assigned task "
            "(eyes on work, materials in use) for 15 continuous minutes on 4 of 5 days."
        ),
        present_level="{first} stays engaged for 3-4 minutes before leaving the task or asking to stop.",
        measure={
            "name": "Minutes of continuous engagement",
            "method": "duration",
            "unit": "minutes",
            "observation_window": "Independent work block",
            "baseline_value": 4,
            "target_value": 15,
        },
        direction={
            "setup": "Start the timer when {first} starts working, not when the work is handed out.",
            "materials": "Visual timer, first-then card (first work, then break choice).",
            "what_to_say": '"First work, then ___ (the break choice)." Then step back.',
            "prompting": "If eyes leave the work for 10 seconds, tap the first-then card once.",
            "error_correction": (
                "Stop the timer when engagement ends; note the minutes; offer the break card."
            ),
            "why": (
                "Each day's longest stretch shows whether stamina is growing; the break is earned, not "
                "escaped."
            ),
        },
    ),
    GoalTemplate(
        area="Following directions",
        text=(
            "By {by}, when given a one-step direction by an adult, {first} will begin the direction within "
            "10 seconds in 4 of 5 opportunities across 3 consecutive school days."
        ),
        present_level=(
            "{first} begins one-step directions after a median of 45 seconds, often after 3 repetitions."
        ),
        measure={
            "name": "Seconds from direction to starting",
            "method": "latency",
            "direction": "decrease",
            "unit": "seconds",
            "baseline_value": 45,
            "target_value": 10,
        },
        direction={
            "setup": "Get {first}'s attention first (name, then wait for eye contact or a turn of the head).",
            "materials": "Stopwatch or the Paradesk latency timer.",
            "what_to_say": 'Give the direction once, in 5 words or fewer: "Put your folder away."',
            "prompting": "Do not repeat the direction. At 10 seconds, point to what is needed.",
            "error_correction": "At 30 seconds, help {first} start with a light touch and praise the doing.",
            "why": "Repeating a direction teaches {first} that the first time does not count.",
        },
    ),
    GoalTemplate(
        area="Work habits",
        text=(
            "By {by}, during independent math practice, {first} will work for at least 5 minutes between "
            "requests for adult help, using the help card checklist first, on 4 of 5 days."
        ),
        present_level="{first} asks for help every 60-90 seconds, usually before trying the problem.",
        measure={
            "name": "Minutes between requests for help",
            "method": "irt",
            "unit": "minutes",
            "observation_window": "20-minute independent practice",
            "baseline_value": 1.25,
            "target_value": 5,
        },
        direction={
            "setup": (
                'Place the "Try 3 before me" card on the desk; sit at the next table, not beside {first}.'
            ),
            "materials": "Help card checklist, Paradesk inter-response timer.",
            "what_to_say": 'When {first} asks: "What does your help card say?"',
            "prompting": "Point to the card before answering any question about the work.",
            "error_correction": "If the card steps were skipped, walk through them together, then help.",
            "why": (
                "Longer gaps between requests mean {first} is trying first; we measure the gap, not the "
                "count."
            ),
        },
    ),
    GoalTemplate(
        area="Behavior",
        text=(
            "By {by}, during 10-minute observations in class, {first} will reduce vocal disruptions "
            "(humming, noises, talking over others) to fewer than 20% of 15-second intervals for 3 "
            "consecutive weeks."
        ),
        present_level=(
            "Vocal disruptions occurred in 65% of 15-second intervals across 4 baseline observations."
        ),
        measure={
            "name": "Intervals with vocal disruption",
            "method": "partial_interval",
            "direction": "decrease",
            "unit": "percent",
            "interval_seconds": 15,
            "interval_count": 40,
            "baseline_value": 65,
            "target_value": 20,
            "schedule_kind": "per_week",
            "sessions_per_week": 3,
        },
        direction={
            "setup": (
                "Start the Paradesk interval timer at the start of independent work; observe from your seat."
            ),
            "materials": "Tablet with the interval timer (vibrates every 15 seconds), earbud optional.",
            "what_to_say": "Nothing while observing.",
            "prompting": "None during the observation; this is data only.",
            "error_correction": "None during the observation.",
            "why": (
                "Partial-interval recording overestimates a little, which suits a behavior we want "
                "to fall: if it drops here, it really dropped."
            ),
        },
    ),
    GoalTemplate(
        area="Work habits",
        text=(
            "By {by}, during small-group reading, {first} will be actively engaged (reading, writing, or "
            "answering on topic) for the whole of at least 80% of 30-second intervals across 3 "
            "consecutive observations."
        ),
        present_level=(
            "{first} was engaged for whole intervals in 35% of 30-second intervals (4 observations)."
        ),
        measure={
            "name": "Whole intervals actively engaged",
            "method": "whole_interval",
            "unit": "percent",
            "interval_seconds": 30,
            "interval_count": 20,
            "baseline_value": 35,
            "target_value": 80,
            "schedule_kind": "per_week",
            "sessions_per_week": 2,
        },
        direction={
            "setup": "Observe from across the table; start the 30-second interval timer with the lesson.",
            "materials": "Interval timer in Paradesk.",
            "what_to_say": 'Praise engagement only between intervals, briefly: "Nice reading."',
            "prompting": "None during the observation.",
            "error_correction": "None during the observation.",
            "why": "Whole-interval scoring underestimates, so reaching 80% means engagement is truly steady.",
        },
    ),
    GoalTemplate(
        area="Social skills",
        text=(
            "By {by}, during recess, {first} will be within 3 feet of and interacting with at least one "
            "peer (talking, sharing equipment, joining a game) at 60% of 1-minute checks for 4 of 5 days."
        ),
        present_level=(
            "{first} plays alone near the fence; at 1-minute checks {first} was with a peer 15% of the time."
        ),
        measure={
            "name": "Recess checks interacting with a peer",
            "method": "momentary",
            "unit": "percent",
            "interval_seconds": 60,
            "interval_count": 15,
            "observation_window": "15 minutes of recess",
            "baseline_value": 15,
            "target_value": 60,
        },
        direction={
            "setup": "Stand where you can see {first} and the play structure. The timer buzzes every minute.",
            "materials": "Tablet or phone with the momentary time-sampling timer.",
            "what_to_say": (
                'Before recess, rehearse one join-in line: "Can I play?" During recess, only if {first} '
                'is alone for 3 checks: "Want to see what they\'re playing?"'
            ),
            "prompting": "Walk {first} toward a peer group and leave; do not stay in the game.",
            "error_correction": "None at recess. Practice the join-in line again in the afternoon check-out.",
            "why": (
                "Looking only at the instant the timer buzzes lets you watch the playground safely "
                "between checks. An adult in the game stops peers from joining."
            ),
        },
    ),
    GoalTemplate(
        area="Self-regulation",
        text=(
            "By {by}, {first} will use the 5-point scale to rate feelings at each check-in and choose a "
            'matching calming strategy, earning a staff rating of 4 or 5 ("used a strategy on own") for '
            "4 of 5 days."
        ),
        present_level=(
            '{first} names feelings as "fine" or "mad"; staff rate strategy use at 2 ("used a strategy '
            'with full support") on most days.'
        ),
        measure={
            "name": "Self-regulation rating",
            "method": "rating",
            "unit": "rating",
            "rating_min": 1,
            "rating_max": 5,
            "rating_labels": {
                "1": "Did not use a strategy",
                "2": "Used a strategy with full adult support",
                "3": "Used a strategy after a reminder",
                "4": "Used a strategy after a visual cue only",
                "5": "Used a strategy on own",
            },
            "observation_window": "Each class period",
            "baseline_value": 2,
            "target_value": 4,
            "mastery_threshold": 80,
        },
        direction={
            "setup": "Check-in at the start of each period with the 5-point scale card.",
            "materials": (
                "5-point scale card, calming strategy menu (breathing, squeeze ball, 2-minute walk)."
            ),
            "what_to_say": '"Where are you on the scale?" Then: "What could help?"',
            "prompting": "Point to the strategy menu before naming a strategy.",
            "error_correction": 'If a strategy does not match the number, ask: "Will that get you to a 2?"',
            "why": "Rating the same thing the same way all day makes a daily mean we can trust.",
        },
    ),
    GoalTemplate(
        area="Written expression",
        text=(
            "By {by}, given a picture prompt and a graphic organizer, {first} will write a paragraph with a "
            "topic sentence, 3 detail sentences and a closing sentence, scoring 80% or higher on the "
            "5-part checklist on 3 consecutive samples."
        ),
        present_level=(
            "{first} writes 1-2 loosely related sentences without a topic sentence (checklist 20%)."
        ),
        measure={
            "name": "Paragraph checklist score",
            "method": "permanent_product",
            "unit": "percent",
            "observation_window": "Weekly writing sample",
            "baseline_value": 20,
            "target_value": 80,
            "mastery_threshold": 80,
            "schedule_kind": "per_week",
            "sessions_per_week": 1,
        },
        direction={
            "setup": "Friday writing block. Give the organizer first, then the lined paper.",
            "materials": "Picture prompt, hamburger graphic organizer, 5-part checklist.",
            "what_to_say": '"Plan with the organizer first. Use your checklist when you finish."',
            "prompting": "Point to the empty part of the organizer; do not suggest sentences.",
            "error_correction": "None on the sample; the teacher scores it and gives feedback Monday.",
            "why": "The finished paragraph is the data, scored from the page, so anyone can check the score.",
        },
    ),
    GoalTemplate(
        area="Fine motor",
        text=(
            "By {by}, using a pencil grip and a slant board, {first} will copy a 3-sentence passage with "
            "letters sized within the lines and spaces between words in 80% of words on 3 "
            "consecutive samples."
        ),
        present_level=(
            "{first} copies short sentences with 40% of words correctly sized and spaced; tires after 2 "
            "lines."
        ),
        measure={
            "name": "Words sized and spaced correctly",
            "method": "permanent_product",
            "unit": "percent",
            "baseline_value": 40,
            "target_value": 80,
            "mastery_threshold": 80,
            "schedule_kind": "per_week",
            "sessions_per_week": 2,
        },
        direction={
            "setup": "Slant board on the desk, pencil grip on, feet flat on the floor.",
            "materials": "Raised-line paper, spacing stick, copy card.",
            "what_to_say": '"Use your spacer after every word."',
            "prompting": "Tap the spacing stick if two words run together.",
            "error_correction": "Let {first} finish; circle one word to redo, not more.",
            "why": (
                "The OT set this up to build endurance: short, correct practice beats long, tired practice."
            ),
        },
        discipline="ot",
    ),
]


@dataclass(frozen=True)
class AccommodationText:
    wording: str
    category: str
    applies_to: str = "All classes"
    for_assessments: bool = False
    log_delivery: bool = False


ACCOMMODATIONS: list[AccommodationText] = [
    AccommodationText(
        "Directions read aloud and repeated as needed, followed by a check for understanding (student "
        "restates the first step).",
        "presentation",
        for_assessments=True,
    ),
    AccommodationText(
        "Text-to-speech for all grade-level reading, except when decoding itself is being assessed.",
        "presentation",
        "Science, social studies, ELA",
    ),
    AccommodationText("Copy of class notes or a guided-notes page provided by the teacher.", "presentation"),
    AccommodationText(
        "May answer orally or by pointing; staff scribe the answer word for word.",
        "response",
        for_assessments=True,
        log_delivery=True,
    ),
    AccommodationText(
        "Calculator for multi-step computation (not for fact-fluency tasks).", "response", "Math, science"
    ),
    AccommodationText("Speech-to-text for written assignments longer than three sentences.", "response"),
    AccommodationText(
        "Preferential seating near the point of instruction and away from doors and windows.", "setting"
    ),
    AccommodationText(
        "Tests and quizzes in a small group of six or fewer students in a separate room.",
        "setting",
        for_assessments=True,
    ),
    AccommodationText(
        "Access to the designated calm-down area when requested with the break card, up to 5 minutes.",
        "setting",
        log_delivery=True,
    ),
    AccommodationText(
        "Extended time (1.5x) on tests, quizzes and timed in-class assignments.",
        "timing",
        for_assessments=True,
    ),
    AccommodationText(
        "A 2-minute movement break after every 15 minutes of seated work.", "timing", log_delivery=True
    ),
    AccommodationText("Assessments given over two sessions on the same day.", "timing", for_assessments=True),
    AccommodationText("Visual schedule reviewed at arrival and before each transition.", "behavioral"),
    AccommodationText("Five-minute and one-minute warnings before every transition.", "behavioral"),
    AccommodationText(
        "Token board: earns a 3-minute choice activity after 5 tokens for on-task behavior.",
        "behavioral",
        log_delivery=True,
    ),
    AccommodationText(
        "AAC device (84-location core-word vocabulary) within reach at all times, including recess, "
        "lunch and specials.",
        "assistive",
    ),
    AccommodationText(
        "Noise-reducing headphones during assemblies, fire drills when possible, and independent work.",
        "assistive",
    ),
    AccommodationText("Slant board and pencil grip for all written work.", "assistive"),
    AccommodationText(
        "Reduced number of items: 50% of grade-level practice problems on the same skill.",
        "modification",
        "Math",
    ),
    AccommodationText(
        "Spelling list of 10 words at the instructional level instead of the grade-level list.",
        "modification",
        "ELA",
    ),
]

ACCOMMODATIONS_504 = [a for a in ACCOMMODATIONS if a.category not in {"modification", "assistive"}]


@dataclass(frozen=True)
class ServiceText:
    kind: str
    name: str
    provider_role: str
    minutes: int
    frequency: int
    setting: str
    period: str = "week"
    discipline: str = ""  # the provider's discipline, for a related service


SPECIAL_EDUCATION_SERVICES = [
    ServiceText(
        "special_education", "Specialized academic instruction: reading", "Special-education teacher",
        30, 5, "Resource room",
    ),
    ServiceText(
        "special_education", "Specialized academic instruction: math", "Special-education teacher",
        45, 4, "Resource room",
    ),
    ServiceText(
        "special_education", "Co-taught ELA with special-education support", "Special-education teacher",
        50, 5, "General-education classroom",
    ),
    ServiceText(
        "special_education", "Social skills group", "Special-education teacher", 30, 1, "Resource room"
    ),
]  # fmt: skip
RELATED_SERVICES = {
    "slp": ServiceText(
        "related", "Speech-language therapy", "Speech-language pathologist", 30, 2, "Therapy room",
        discipline="slp",
    ),
    "ot": ServiceText(
        "related", "Occupational therapy", "Occupational therapist", 30, 4, "Classroom and OT room", "month",
        discipline="ot",
    ),
    "bcba": ServiceText(
        "related", "Behavior consultation", "Behavior analyst (BCBA)", 60, 2, "Classroom", "month",
        discipline="bcba",
    ),
}  # fmt: skip
ADULT_SUPPORT = {
    "para_1to1": ServiceText(
        "adult_support", "1:1 paraprofessional support throughout the school day", "Paraprofessional",
        390, 5, "All school settings",
    ),
    "para_group": ServiceText(
        "adult_support", "Small-group paraprofessional support in ELA and math", "Paraprofessional",
        60, 5, "General-education classroom",
    ),
}  # fmt: skip
CONSULTATION = ServiceText(
    "supplementary", "Consultation between case manager and general-education teachers",
    "Special-education teacher", 30, 1, "Teacher planning time", "month",
)  # fmt: skip


@dataclass(frozen=True)
class SnapshotText:
    strengths: str
    interests: str
    triggers: str
    calming_strategies: str
    communication_system: str
    things_to_avoid: str
    medical_alerts: str = ""


SNAPSHOTS = [
    SnapshotText(
        "Remembers routines after seeing them twice; kind to younger students.",
        "Trains, maps, the weather report.",
        "Unexpected schedule changes; the fire-alarm bell; being rushed.",
        "Headphones and the map book in the calm corner for 3 minutes; slow counting to 10 together.",
        "Speaks in full sentences; needs extra processing time (wait 5-7 seconds).",
        'Touching without warning; saying "hurry up".',
    ),
    SnapshotText(
        "Great sense of humor; strong visual memory; loves helping with classroom jobs.",
        "Drawing dragons, building blocks, animal facts.",
        "Long seated lessons; handwriting-heavy tasks; loud cafeteria.",
        "Wall push-ups, squeeze ball, drawing break of 2 minutes.",
        'Speech device for new words; signs "more", "done", "help".',
        "Taking the sketchbook away as a consequence.",
    ),
    SnapshotText(
        "Persistent with puzzles; gentle with classroom pets; good rote memory.",
        "Music with a strong beat, swings, bubbles.",
        "Hunger before lunch; waiting in line; crowded hallways.",
        "Swing or rocking chair; deep-pressure vest (5 minutes, OT protocol); favorite song on headphones.",
        "AAC device (core-word vocabulary); some single spoken words; understands more than says.",
        "Raised voices; standing over the student.",
        "Seizure disorder: follow the seizure action plan in the nurse's office; note any staring spells.",
    ),
    SnapshotText(
        "Asks great questions in science; loyal friend; strong oral vocabulary.",
        "Skateboarding, video game design, cooking shows.",
        "Being corrected in front of peers; reading aloud cold; substitute teachers.",
        "Private signal (tap on desk) and a pass to get water; check-in with a trusted adult.",
        "Speaks fluently; prefers written choices when upset.",
        "Public reprimands; sarcasm.",
    ),
    SnapshotText(
        "Hard-working; notices when others are sad; excellent at sorting and organizing.",
        "Soccer, horses, collecting stickers.",
        "Multi-step directions; transitions from recess to class.",
        "Visual timer, first-then board, a job to carry (taking the attendance folder).",
        "Speaks in short phrases; uses the picture schedule.",
        "Giving more than one direction at a time.",
        "Severe peanut allergy: epinephrine auto-injector in the nurse's office and the classroom go-bag.",
    ),
    SnapshotText(
        "Creative storyteller; strong in math reasoning; takes pride in neat work.",
        "Comics, robotics club, dogs.",
        "Writing tasks without a plan; noise during tests; feeling singled out.",
        "Breathing card (square breathing); short walk with the para; headphones.",
        "Speaks fluently; stutters more when anxious, so wait and do not finish sentences.",
        "Finishing the student's sentences; timing in front of others.",
    ),
]


@dataclass(frozen=True)
class BehaviorText:
    name: str
    operational_definition: str
    non_examples: str
    hypothesized_function: str
    measure: dict[str, Any] = field(default_factory=dict)


TARGET_BEHAVIORS = [
    BehaviorText(
        "Elopement",
        "Leaves the assigned area (classroom, line, or designated play zone) by more than 10 feet without "
        "adult permission.",
        "Walking to the calm corner with the break card; going to the restroom with the pass.",
        "escape",
        {
            "name": "Elopement episodes",
            "method": "count",
            "unit": "count",
            "baseline_value": 4,
            "target_value": 0,
        },
    ),
    BehaviorText(
        "Physical aggression",
        "Hits, kicks, pushes or scratches another person with enough force to be heard or to move them.",
        "Accidental contact during play; high-fives; tapping a shoulder to get attention.",
        "escape",
        {"name": "Aggression incidents (ABC)", "method": "abc", "unit": "count"},
    ),
    BehaviorText(
        "Tantrum",
        "Screaming, crying, or dropping to the floor lasting 10 seconds or more; ends after 1 minute with "
        "none of these.",
        "Brief crying after an injury; loud excitement during games.",
        "tangible",
        {
            "name": "Tantrum minutes",
            "method": "duration",
            "unit": "minutes",
            "baseline_value": 12,
            "target_value": 3,
        },
    ),
    BehaviorText(
        "Work refusal",
        "Does not begin an assigned task within 2 minutes of the direction, or puts head down, pushes "
        'materials away, or says "no" to the task.',
        "Asking for help; asking for a break with the break card.",
        "escape",
        {
            "name": "Intervals with work refusal",
            "method": "partial_interval",
            "unit": "percent",
            "interval_seconds": 60,
            "interval_count": 20,
            "baseline_value": 55,
            "target_value": 10,
        },
    ),
    BehaviorText(
        "Disruptive noises",
        "Makes noises (humming, tapping, animal sounds) loud enough to be heard 6 feet away during "
        "instruction.",
        "Singing during music; answering a question aloud when called on.",
        "attention",
        {
            "name": "Disruptive noises",
            "method": "count",
            "unit": "count",
            "baseline_value": 18,
            "target_value": 4,
        },
    ),
]

STRATEGIES = {
    "antecedent": [
        "Preview the day's schedule at arrival and any change as soon as staff know of it.",
        "Offer a choice of two tasks or two orders of work before independent work.",
        "Give 5-minute and 1-minute warnings before transitions, with the visual timer.",
        "Seat near the teacher and away from the doorway.",
        "Break long tasks into chunks of 3-4 items with a check mark after each.",
    ],
    "replacement": [
        "Teach and practice the break card daily: hand it to an adult to get a 3-minute break.",
        'Teach requesting help with the "help" card or by saying "I need help."',
        "Practice the 5-point scale at morning check-in and choose a strategy for levels 3-5.",
        'Role-play joining a game and accepting "no" during the social skills group.',
    ],
    "consequence": [
        'Praise the replacement behavior right away and specifically ("You used your break card!").',
        "Honor every break-card request within 10 seconds during the first month.",
        "Keep demands in place after the behavior: offer help to start rather than removing the task.",
        "Use minimal, neutral language during the behavior; talk about it later, when calm.",
        "Token for each 10 minutes without the target behavior; 5 tokens earn a choice activity.",
    ],
}

CRISIS_STEPS = (
    "1. Keep everyone safe: move other students away (teacher leads them to the library).\n"
    "2. One adult speaks, calmly and with few words; others keep their distance.\n"
    '3. Call the office on the radio with the code "Team to room ___"; the BCBA or trained staff respond.\n'
    "4. No physical restraint except as the last resort by staff trained in the district's program, to "
    "prevent imminent serious injury.\n"
    "5. After calm: water, quiet space, then return to the schedule. Complete the incident report and "
    "call the family the same day."
)

ABC_OPTIONS = {
    "antecedent": [
        "Asked to start a non-preferred task",
        "Transition announced",
        'Told "no" or "wait"',
        "Loud or crowded setting",
        "Peer took or touched materials",
        "Unstructured time (recess, lunch)",
    ],
    "consequence": [
        "Redirected to the task",
        "Break given",
        "Task changed or reduced",
        "Peer attention",
        "Adult attention or reprimand",
        "Planned ignoring",
    ],
}


@dataclass(frozen=True)
class CarePlanText:
    medical_alert: str
    goal: GoalTemplate
    accommodations: list[AccommodationText]


CARE_PLANS = [
    CarePlanText(
        medical_alert="Needs help with toileting: see the care plan; spare clothes in the labeled bin.",
        goal=GoalTemplate(
            area="Personal care",
            text=(
                "By {by}, {first} will complete the 7-step toileting routine with no more than a verbal "
                "prompt on each step on 4 of 5 school days."
            ),
            present_level="{first} needs partial physical help with clothing and a reminder for each step.",
            measure={
                "name": "Toileting steps at verbal prompt or less",
                "method": "task_analysis",
                "unit": "percent",
                "task_steps": [
                    "Go to the restroom on the schedule",
                    "Pull pants down",
                    "Sit on the toilet",
                    "Use toilet paper",
                    "Pull pants up",
                    "Flush",
                    "Wash hands",
                ],
                "chaining": "forward",
                "probe_type": "single",
                "prompt_hierarchy": DEFAULT_PROMPT_HIERARCHY,
                "goal_support_level": "verbal",
                "baseline_value": 30,
                "target_value": 100,
            },
            direction={
                "setup": "Scheduled times: 9:30, 11:15, 1:30. Same-gender staff where possible; door closed.",
                "materials": "Spare clothes in the labeled bin, gloves, wipes, picture sequence.",
                "what_to_say": '"Bathroom time." Use the picture sequence for each step.',
                "prompting": (
                    "Forward chaining: {first} does the first untaught step alone; help with the rest."
                ),
                "error_correction": "Point to the picture of the missed step; help only as much as needed.",
                "why": "Dignity and independence: predictable times prevent accidents and build the routine.",
            },
        ),
        accommodations=[
            AccommodationText(
                "Restroom visits at 9:30, 11:15 and 1:30 and on request, with a same-gender adult "
                "when possible.",
                "setting",
                log_delivery=True,
            )
        ],
    ),
    CarePlanText(
        medical_alert=(
            "Type 1 diabetes: shaky, pale or sweaty means low blood sugar. Walk to the nurse now; never "
            "send the student alone. Fast-acting sugar is in the go-bag."
        ),
        goal=GoalTemplate(
            area="Health",
            text=(
                'By {by}, {first} will tell an adult "I feel shaky" or show the "check" card when symptoms '
                "of low blood sugar start, in 100% of observed episodes."
            ),
            present_level="{first} names symptoms when asked but does not start the request on own.",
            measure={
                "name": "Symptom episodes reported on own",
                "method": "rating",
                "unit": "rating",
                "rating_min": 0,
                "rating_max": 2,
                "rating_labels": {
                    "0": "Adult noticed first",
                    "1": "Reported after a question",
                    "2": "Reported on own",
                },
                "observation_window": "Each episode",
                "baseline_value": 1,
                "target_value": 2,
            },
            direction={
                "setup": 'Keep the "check" card on the desk corner and in the lunch bag.',
                "materials": "Check card, fast-acting sugar in the go-bag, glucose meter with the nurse.",
                "what_to_say": (
                    'If you notice symptoms first: "How does your body feel?" then walk to the nurse.'
                ),
                "prompting": (
                    "Never wait for the student to ask if symptoms are visible: walk to the nurse now."
                ),
                "error_correction": "None; rate the episode afterward.",
                "why": "Safety first; the rating tracks whether {first} is learning to speak up early.",
            },
        ),
        accommodations=[
            AccommodationText(
                "Blood glucose checks at 10:15 and before lunch in the nurse's office; a staff member walks "
                "with the student.",
                "setting",
                log_delivery=True,
            ),
            AccommodationText(
                "Water bottle and snacks allowed in class at any time, including tests.",
                "setting",
                for_assessments=True,
            ),
        ],
    ),
]
