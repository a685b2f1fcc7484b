#!/usr/bin/env python3
"""Replays one message bedroomd published through a blueprint, as Home Assistant would
run it (ha_sim.py), and says what the automation does: the notifications it sends (one
line each, JSON), and, with --tap ACTION, what a tap on that button of the notification
publishes (a last line "publish <topic> <payload>"). Used by the integration test that
shows the daemon records what the blueprint sends back.

    replay.py BLUEPRINT BASE_TOPIC TOPIC PAYLOAD [--tap ACTION]
"""

import argparse
import json
import os
import sys

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ha_sim  # noqa: E402

PHONES = {"dev-phone": {"name": "Phone"}}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("blueprint")
    p.add_argument("base_topic")
    p.add_argument("topic")
    p.add_argument("payload")
    p.add_argument("--tap")
    args = p.parse_args()

    automation = ha_sim.Automation(ha_sim.load(args.blueprint),
                                   {"base_topic": args.base_topic, "phones": ["dev-phone"]},
                                   PHONES)
    calls = automation.mqtt(args.topic, args.payload)
    buttons = []
    for call in calls:
        data = call["data"]
        print("notify " + json.dumps({"action": call["action"], "message": data.get("message"),
                                      "data": data.get("data")}, sort_keys=True))
        buttons += (data.get("data") or {}).get("actions", [])
    if args.tap:
        wanted = [b["action"] for b in buttons
                  if b["action"].startswith("BEDROOMD_" + args.tap.upper() + "|")]
        if not wanted:
            sys.exit(f"replay: no button '{args.tap}' in {buttons}")
        for call in automation.event("mobile_app_notification_action", {"action": wanted[0]}):
            if call["action"] == "mqtt.publish":
                topic, payload = ha_sim.published(call)
                print(f"publish {topic} {payload}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
