package io.upone.mesos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;
import org.junit.jupiter.api.Test;

class OfferResourcesTest {
  private static Resource scalar(String name, double v, String role) {
    Resource.Builder r = Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(v));
    if (role != null) r.setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(role));
    return r.build();
  }

  private static Resource ports(long... bounds) {
    Value.Ranges.Builder rs = Value.Ranges.newBuilder();
    for (int i = 0; i < bounds.length; i += 2) rs.addRange(Value.Range.newBuilder().setBegin(bounds[i]).setEnd(bounds[i + 1]));
    return Resource.newBuilder().setName("ports").setType(Value.Type.RANGES).setRanges(rs).build();
  }

  @Test
  void takesSlicesKeepingEachSourceResourcesMetadata() {
    List<Resource> pool = new ArrayList<>(List.of(scalar("cpus", 0.5, "web"), scalar("cpus", 2, "*"),
        scalar("mem", 1024, "*"), ports(31000, 31002, 31010, 31010)));
    List<Resource> taken = OfferResources.take(pool, 1.2, 512, 0, List.of(31001, 31010));
    assertEquals(0.5, taken.get(0).getScalar().getValue());
    assertEquals("web", taken.get(0).getAllocationInfo().getRole());
    assertEquals(0.7, taken.get(1).getScalar().getValue(), 1e-9);
    assertEquals("*", taken.get(1).getAllocationInfo().getRole());
    assertEquals(512, taken.get(2).getScalar().getValue());
    assertEquals(31001, taken.get(3).getRanges().getRange(0).getBegin());
    assertEquals(31010, taken.get(4).getRanges().getRange(0).getBegin());
    // what is left: 0 + 1.3 cpus, 512 mem, ports 31000 and 31002
    assertEquals(1.3, OfferResources.totals(pool).cpus(), 1e-9);
    assertEquals(512, OfferResources.totals(pool).mem(), 1e-9);
    assertEquals(List.of(new io.upone.core.driver.PortRange(31000, 31000), new io.upone.core.driver.PortRange(31002, 31002)),
        OfferResources.totals(pool).ports());
    assertThrows(IllegalStateException.class, () -> OfferResources.take(pool, 2, 0, 0, List.of()));
    assertThrows(IllegalStateException.class, () -> OfferResources.take(pool, 0, 0, 0, List.of(31001)));
  }

  @Test
  void attributesReadAsText() {
    Map<String, String> a = OfferResources.attributes(List.of(
        Protos.Attribute.newBuilder().setName("rack").setType(Value.Type.TEXT).setText(Value.Text.newBuilder().setValue("r1")).build(),
        Protos.Attribute.newBuilder().setName("level").setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(3)).build(),
        Protos.Attribute.newBuilder().setName("w").setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(2.5)).build(),
        Protos.Attribute.newBuilder().setName("ids").setType(Value.Type.SET).setSet(Value.Set.newBuilder().addItem("a").addItem("b")).build()));
    assertEquals(Map.of("rack", "r1", "level", "3", "w", "2.5", "ids", "{a,b}"), a);
  }
}
