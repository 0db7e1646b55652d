package io.upone.mesos.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mesosphere.mesos.rx.java.AwaitableSubscription;
import com.mesosphere.mesos.rx.java.MesosClient;
import com.mesosphere.mesos.rx.java.SinkOperation;
import com.mesosphere.mesos.rx.java.SinkOperations;
import com.mesosphere.mesos.rx.java.protobuf.ProtobufMesosClientBuilder;
import com.mesosphere.mesos.rx.java.util.UserAgentEntries;
import io.upone.core.testing.Poll;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import rx.Observable;

/**
 * The simulator driven by mesos-rxjava's scheduler client, code nobody here wrote: it
 * subscribes, carries the Mesos-Stream-Id itself, decodes RecordIO with its own decoder and
 * answers offers and updates the way a v1 framework does.
 */
class SimRxClientTest {
  private static final Duration T = Duration.ofSeconds(15);
  private Vertx vertx;
  private SimMaster sim;
  private AwaitableSubscription subscription;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    sim = SimMaster.start(vertx, SimOptions.forTests(3)).toCompletionStage().toCompletableFuture().join();
  }

  @AfterEach
  void stop() {
    if (subscription != null) subscription.unsubscribe();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void anIndependentV1ClientSubscribesLaunchesAndAcknowledges() {
    Queue<Event> events = new ConcurrentLinkedQueue<>();
    AtomicReference<Protos.FrameworkID> id = new AtomicReference<>();
    AtomicReference<Boolean> launched = new AtomicReference<>(false);
    Call subscribe = Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
        .setFrameworkInfo(Protos.FrameworkInfo.newBuilder().setUser("root").setName("rx-client").setFailoverTimeout(60)
            .addCapabilities(Protos.FrameworkInfo.Capability.newBuilder()
                .setType(Protos.FrameworkInfo.Capability.Type.PARTITION_AWARE)))).build();
    MesosClient<Call, Event> client = ProtobufMesosClientBuilder.schedulerUsingProtos()
        .mesosUri(URI.create(sim.url() + "/api/v1/scheduler"))
        .applicationUserAgentEntry(UserAgentEntries.literal("upone-test", "1"))
        .subscribe(subscribe)
        .processStream(stream -> stream.flatMap(e -> {
          events.add(e);
          List<Optional<SinkOperation<Call>>> out = new ArrayList<>();
          switch (e.getType()) {
            case SUBSCRIBED -> id.set(e.getSubscribed().getFrameworkId());
            case OFFERS -> {
              for (Protos.Offer o : e.getOffers().getOffersList()) {
                if (!launched.get()) {
                  launched.set(true);
                  out.add(Optional.of(SinkOperations.create(accept(id.get(), o))));
                } else {
                  out.add(Optional.of(SinkOperations.create(Call.newBuilder().setType(Call.Type.DECLINE)
                      .setFrameworkId(id.get()).setDecline(Call.Decline.newBuilder().addOfferIds(o.getId())
                          .setFilters(Protos.Filters.newBuilder().setRefuseSeconds(3600))).build())));
                }
              }
            }
            case UPDATE -> {
              Protos.TaskStatus s = e.getUpdate().getStatus();
              if (!s.getUuid().isEmpty()) {
                out.add(Optional.of(SinkOperations.create(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE)
                    .setFrameworkId(id.get()).setAcknowledge(Call.Acknowledge.newBuilder().setAgentId(s.getAgentId())
                        .setTaskId(s.getTaskId()).setUuid(s.getUuid())).build())));
              }
            }
            default -> { }
          }
          return Observable.from(out);
        }))
        .build();
    subscription = client.openStream();

    Poll.until("the task RUNNING and its update acknowledged", T,
        () -> sim.calls(Call.Type.ACKNOWLEDGE) >= 2);
    Event subscribed = events.stream().filter(e -> e.getType() == Event.Type.SUBSCRIBED).findFirst().orElseThrow();
    assertEquals(1.0, subscribed.getSubscribed().getHeartbeatIntervalSeconds());
    assertTrue(subscribed.getSubscribed().getMasterInfo().getVersion().startsWith("1."));
    Event offers = events.stream().filter(e -> e.getType() == Event.Type.OFFERS).findFirst().orElseThrow();
    assertEquals(3, offers.getOffers().getOffersCount(), "one offer per agent");
    Protos.Offer first = offers.getOffers().getOffers(0);
    assertTrue(first.getAttributesList().stream().anyMatch(a -> a.getName().equals("rack")));
    List<Protos.TaskState> states = events.stream().filter(e -> e.getType() == Event.Type.UPDATE)
        .map(e -> e.getUpdate().getStatus().getState()).toList();
    assertEquals(List.of(Protos.TaskState.TASK_STARTING, Protos.TaskState.TASK_RUNNING), states);
    assertEquals(Map.of("TASK_RUNNING", 1), sim.taskCounts(id.get().getValue()).toCompletionStage().toCompletableFuture().join());
    assertEquals(2, sim.calls(Call.Type.DECLINE));
    // declined for an hour: the two other agents are not offered again, the launched one's rest is filtered 5 s
    long offered = sim.offersSent();
    Poll.until("several allocation cycles", T, () -> {
      try {
        return sim.state().toCompletionStage().toCompletableFuture().join().getLong("offers_sent") >= offered
            && events.stream().filter(e -> e.getType() == Event.Type.HEARTBEAT).count() >= 1;
      } catch (RuntimeException ex) {
        return false;
      }
    });
    assertEquals(3, sim.offersSent(), "refused agents stay filtered");
  }

  private static Call accept(Protos.FrameworkID fw, Protos.Offer o) {
    Protos.TaskInfo task = Protos.TaskInfo.newBuilder().setName("sleep").setTaskId(Protos.TaskID.newBuilder().setValue("sleep-1"))
        .setAgentId(o.getAgentId())
        .setCommand(Protos.CommandInfo.newBuilder().setShell(true).setValue("sleep 1000"))
        .addResources(Protos.Resource.newBuilder().setName("cpus").setType(Protos.Value.Type.SCALAR)
            .setScalar(Protos.Value.Scalar.newBuilder().setValue(1)))
        .addResources(Protos.Resource.newBuilder().setName("mem").setType(Protos.Value.Type.SCALAR)
            .setScalar(Protos.Value.Scalar.newBuilder().setValue(128)))
        .build();
    return Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(fw).setAccept(Call.Accept.newBuilder()
        .addOfferIds(o.getId()).addOperations(Protos.Offer.Operation.newBuilder().setType(Protos.Offer.Operation.Type.LAUNCH)
            .setLaunch(Protos.Offer.Operation.Launch.newBuilder().addTaskInfos(task)))).build();
  }
}
