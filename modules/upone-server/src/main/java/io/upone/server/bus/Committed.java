package io.upone.server.bus;

import io.upone.core.proto.Event;
import java.util.List;

/** The events of one committed proposal, with their log indexes, as the feed delivers them. */
public record Committed(List<Event> events) {
  public Committed {
    events = List.copyOf(events);
  }

  public long lastIndex() {
    return events.isEmpty() ? 0 : events.get(events.size() - 1).getIndex();
  }
}
