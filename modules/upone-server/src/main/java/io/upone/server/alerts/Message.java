package io.upone.server.alerts;

import java.util.Map;

/** One Slack message on its way: its text, where it goes, and the alerts (by log index) it carries. */
record Message(Route route, String text, Map<Long, Integer> indexes, int alerts) {}
