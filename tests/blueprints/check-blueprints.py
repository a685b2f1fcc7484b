#!/usr/bin/env python3
"""Checks the Home Assistant blueprints in docs/blueprints/.

Every blueprint: parses as YAML with the !input tag; has blueprint.name, domain
automation, its inputs, triggers and actions; uses only inputs it declares and declares
only inputs it uses; every template parses; a trigger's templates use only its
trigger_variables (all Home Assistant lets them see). Then each blueprint runs in
ha_sim.py on the messages bedroomd sends and the buttons a person taps, and what it
calls (notifications, clears, MQTT publishes) is compared with what bedroomd expects.

    check-blueprints.py [DIR]      DIR: the blueprints (default: docs/blueprints)
"""

import glob
import json
import os
import sys
import unittest
from datetime import datetime, timezone

import jinja2
import jinja2.meta

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ha_sim  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = os.path.join(HERE, "..", "..", "docs", "blueprints")
BASE = "bedroomd/bedroom"
PHONES = {"dev-pixel": {"name": "Pixel 8"}, "dev-iphone": {"name": "Anna's iPhone"}}
TARGETS = ["notify.mobile_app_pixel_8", "notify.mobile_app_anna_s_iphone"]
RUN_ID = "bedroom-foot_soak-20260115T2130"


def strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)
    elif isinstance(value, str):
        yield value


def inputs_used(value):
    return {str(s) for s in strings(value) if isinstance(s, ha_sim.Input)}


def blueprint_paths():
    return sorted(glob.glob(os.path.join(DIR, "*.yaml")))


class Structure(unittest.TestCase):
    def test_there_are_blueprints(self):
        self.assertGreaterEqual(len(blueprint_paths()), 3)

    def test_each_blueprint(self):
        env = jinja2.Environment()
        for path in blueprint_paths():
            with self.subTest(blueprint=os.path.basename(path)):
                bp = ha_sim.load(path)
                meta = bp.get("blueprint")
                self.assertIsInstance(meta, dict)
                self.assertIsInstance(meta.get("name"), str)
                self.assertTrue(meta["name"].strip())
                self.assertEqual(meta.get("domain"), "automation")
                self.assertIsInstance(meta.get("input"), dict)
                triggers = bp.get("triggers", bp.get("trigger"))
                actions = bp.get("actions", bp.get("action"))
                self.assertIsInstance(triggers, list)
                self.assertTrue(triggers)
                self.assertIsInstance(actions, list)
                self.assertTrue(actions)
                for name, spec in meta["input"].items():
                    self.assertIn("name", spec, name)
                    self.assertIn("selector", spec, name)
                body = {k: v for k, v in bp.items() if k != "blueprint"}
                self.assertEqual(inputs_used(body), set(meta["input"]))
                for text in strings(bp):
                    if ha_sim.is_template(text):
                        env.parse(text)  # raises on a syntax error
                known = set(bp.get("trigger_variables") or {})
                for t in triggers:
                    for text in strings(t):
                        if ha_sim.is_template(text):
                            names = jinja2.meta.find_undeclared_variables(env.parse(text))
                            self.assertLessEqual(names, known, text)


def automation(name, **inputs):
    bp = ha_sim.load(os.path.join(DIR, name))
    inputs = dict({"base_topic": BASE, "phones": list(PHONES),
                   "notify_actions": ["notify.mobile_app_pixel_8"]}, **inputs)
    return ha_sim.Automation(bp, inputs, PHONES)


def reminder(state, **extra):
    msg = {"id": RUN_ID, "name": "foot_soak", "title": "Warm foot soak",
           "message": "Time for a warm foot soak before bed.", "state": state,
           "time": "2026-01-15T21:30:00+01:00", "attempt": 1,
           "actions": ["started", "done", "snooze"]}
    msg.update(extra)
    return json.dumps(msg)


class Reminders(unittest.TestCase):
    def setUp(self):
        self.a = automation("bedroomd-reminders.yaml")

    def test_due_reaches_every_phone_once_with_buttons_of_this_run(self):
        calls = self.a.mqtt(BASE + "/event/reminder", reminder("due"))
        self.assertEqual([c["action"] for c in calls], TARGETS)
        for c in calls:
            d = c["data"]
            self.assertEqual(d["title"], "Warm foot soak")
            self.assertEqual(d["message"], "Time for a warm foot soak before bed.")
            self.assertEqual(d["data"]["tag"], RUN_ID)
            self.assertEqual(d["data"]["push"], {"interruption-level": "time-sensitive"})
            self.assertNotIn("chronometer", d["data"])
            self.assertEqual([b["title"] for b in d["data"]["actions"]],
                             ["Started", "Done", "Snooze"])
            self.assertEqual(d["data"]["actions"][1]["action"],
                             "BEDROOMD_DONE|" + BASE + "/reminder/foot_soak|" + RUN_ID)

    def test_timer_counts_down_on_android(self):
        calls = self.a.mqtt(BASE + "/event/reminder",
                            reminder("timer", actions=["done"],
                                     ends="2026-01-15T21:47:00+01:00"))
        self.assertEqual(len(calls), 2)
        d = calls[0]["data"]["data"]
        self.assertIs(d["chronometer"], True)
        ends = datetime(2026, 1, 15, 20, 47, tzinfo=timezone.utc)  # 21:47 at +01:00
        self.assertEqual(d["when"], int(ends.timestamp()))
        self.assertIs(d["when_relative"], False)
        self.assertEqual(d["tag"], RUN_ID)
        self.assertNotIn("push", d)  # the timer itself interrupts nobody

    def test_over_clears_every_phone(self):
        for state in ("cleared", "given_up"):
            calls = self.a.mqtt(BASE + "/event/reminder", reminder(state, actions=[]))
            self.assertEqual([c["action"] for c in calls], TARGETS)
            for c in calls:
                self.assertEqual(c["data"], {"message": "clear_notification",
                                             "data": {"tag": RUN_ID}})

    def test_tap_publishes_the_answer_with_the_run_id(self):
        for action in ("started", "done", "snooze", "skip", "none", "left", "right"):
            tapped = ("BEDROOMD_" + action.upper() + "|" + BASE + "/reminder/foot_soak|"
                      + RUN_ID)
            calls = self.a.event("mobile_app_notification_action", {"action": tapped})
            self.assertEqual([c["action"] for c in calls], ["mqtt.publish"])
            topic, payload = ha_sim.published(calls[0])
            self.assertEqual(topic, BASE + "/reminder/foot_soak")
            self.assertEqual(json.loads(payload), {"action": action, "id": RUN_ID})
            self.assertEqual(calls[0]["data"]["qos"], 1)
            self.assertIs(calls[0]["data"]["retain"], False)

    def test_round_trip_from_event_to_answer(self):
        shown = self.a.mqtt(BASE + "/event/reminder", reminder("due"))
        button = shown[0]["data"]["data"]["actions"][0]["action"]
        calls = self.a.event("mobile_app_notification_action", {"action": button})
        self.assertEqual(json.loads(ha_sim.published(calls[0])[1]),
                         {"action": "started", "id": RUN_ID})

    def test_other_bedrooms_and_other_apps_are_left_alone(self):
        other = "BEDROOMD_DONE|bedroomd/guest/reminder/foot_soak|guest-foot_soak-20260115T2130"
        for action in (other, "ALARM", "BEDROOMD_DONE", "", "BEDROOMD_CRAMP_LEFT|x|y|z"):
            self.assertEqual(self.a.event("mobile_app_notification_action",
                                          {"action": action}), [])
        self.assertEqual(self.a.event("mobile_app_notification_action", {}), [])
        self.assertEqual(self.a.mqtt("bedroomd/guest/event/reminder", reminder("due")), [])

    def test_malformed_events_send_nothing(self):
        for payload in ("not json", "[]", "{}", json.dumps({"state": "due"})):
            self.assertEqual(self.a.mqtt(BASE + "/event/reminder", payload), [])

    def test_options(self):
        a = automation("bedroomd-reminders.yaml", time_sensitive=False, phones=[],
                       notify_actions=["notify.family"])
        calls = a.mqtt(BASE + "/event/reminder", reminder("due"))
        self.assertEqual([c["action"] for c in calls], ["notify.family"])
        self.assertNotIn("push", calls[0]["data"]["data"])
        self.assertEqual(calls[0]["data"]["data"]["channel"], "bedroomd reminders")


class Alerts(unittest.TestCase):
    def setUp(self):
        self.a = automation("bedroomd-alerts.yaml")

    def alert(self, state, kind="sensor_stale", message="No reading for 10 min.",
              replay=False):
        event = {"id": "bedroom-alert-1", "time": "2026-01-15T03:10:00+01:00",
                 "kind": kind, "state": state, "source": "room", "message": message}
        if replay:
            event["replay"] = True
        return json.dumps(event)

    def test_raised_then_cleared(self):
        calls = self.a.mqtt(BASE + "/event/alert", self.alert("raised"))
        self.assertEqual([c["action"] for c in calls], TARGETS)
        tag = calls[0]["data"]["data"]["tag"]
        self.assertEqual(calls[0]["data"]["title"], "Bedroom: sensor stale")
        self.assertEqual(calls[0]["data"]["message"], "No reading for 10 min.")
        calls = self.a.mqtt(BASE + "/event/alert", self.alert("cleared"))
        self.assertEqual([c["data"] for c in calls],
                         [{"message": "clear_notification", "data": {"tag": tag}}] * 2)

    def test_replay_after_home_assistant_restarted(self):
        """bedroomd's replay on Home Assistant's birth: the same notification, not a second."""
        first = self.a.mqtt(BASE + "/event/alert", self.alert("raised"))
        tag = first[0]["data"]["data"]["tag"]
        self.assertNotIn("alert_once", first[0]["data"]["data"])
        for _ in range(2):  # every birth replays it
            calls = self.a.mqtt(BASE + "/event/alert", self.alert("raised", replay=True))
            self.assertEqual([c["action"] for c in calls], TARGETS)
            self.assertEqual(calls[0]["data"]["data"]["tag"], tag)
            self.assertIs(calls[0]["data"]["data"]["alert_once"], True)
            self.assertEqual(calls[0]["data"]["title"], first[0]["data"]["title"])
        for _ in range(2):  # a replayed clear takes it off, or finds it gone already
            calls = self.a.mqtt(BASE + "/event/alert", self.alert("cleared", replay=True))
            self.assertEqual([c["data"] for c in calls],
                             [{"message": "clear_notification", "data": {"tag": tag}}] * 2)

    def test_advisory(self):
        calls = self.a.mqtt(BASE + "/event/alert",
                            self.alert("notice", kind="cramp_frequency", message="..."))
        self.assertEqual(calls[0]["data"]["title"], "Bedroom: worth a doctor's look")

    def test_two_bedrooms_have_their_own_tags(self):
        guest = automation("bedroomd-alerts.yaml", base_topic="bedroomd/guest")
        mine = self.a.mqtt(BASE + "/event/alert", self.alert("raised"))
        theirs = guest.mqtt("bedroomd/guest/event/alert", self.alert("raised"))
        self.assertNotEqual(mine[0]["data"]["data"]["tag"], theirs[0]["data"]["data"]["tag"])

    def test_malformed(self):
        for payload in ("x", "{}", json.dumps({"kind": "x", "state": "weird"})):
            self.assertEqual(self.a.mqtt(BASE + "/event/alert", payload), [])


class SuspectedCramps(unittest.TestCase):
    TIME = "2026-01-15T03:12:05+01:00"
    ID = "bedroom-cramp-1"

    def setUp(self):
        self.a = automation("bedroomd-suspected-cramp.yaml")

    def test_ask_then_yes_reports_the_cramp_at_its_time(self):
        event = json.dumps({"id": self.ID, "time": self.TIME, "suspected": True,
                            "leg": "unknown"})
        calls = self.a.mqtt(BASE + "/event/cramp", event)
        self.assertEqual([c["action"] for c in calls], TARGETS)
        d = calls[0]["data"]
        self.assertEqual(d["message"], "A burst of movement in bed at 03:12.")
        self.assertEqual(d["data"]["tag"], self.ID)
        buttons = [b["action"] for b in d["data"]["actions"]]
        self.assertEqual(len(buttons), 3)
        for button, leg in zip(buttons, ("left", "right")):
            calls = self.a.event("mobile_app_notification_action", {"action": button})
            topic, payload = ha_sim.published(calls[0])
            self.assertEqual(topic, BASE + "/cramp")
            self.assertEqual(json.loads(payload),
                             {"leg": leg, "time": self.TIME, "source": "home_assistant"})
        # No: nothing reported, the question leaves the other phones.
        calls = self.a.event("mobile_app_notification_action", {"action": buttons[2]})
        self.assertEqual([c["data"] for c in calls],
                         [{"message": "clear_notification", "data": {"tag": self.ID}}] * 2)

    def test_confirmed_elsewhere_clears(self):
        event = json.dumps({"id": "bedroom-cramp-2", "time": self.TIME, "confirms": self.ID})
        calls = self.a.mqtt(BASE + "/event/cramp", event)
        self.assertEqual([c["data"]["data"]["tag"] for c in calls], [self.ID] * 2)

    def test_plain_cramps_and_other_bedrooms(self):
        self.assertEqual(self.a.mqtt(BASE + "/event/cramp",
                                     json.dumps({"id": "c", "time": self.TIME})), [])
        other = "BEDROOMD_CRAMP_LEFT|bedroomd/guest|" + self.TIME + "|x"
        self.assertEqual(self.a.event("mobile_app_notification_action", {"action": other}), [])


if __name__ == "__main__":
    if len(sys.argv) > 1:
        DIR = sys.argv.pop(1)
    unittest.main(verbosity=2)
