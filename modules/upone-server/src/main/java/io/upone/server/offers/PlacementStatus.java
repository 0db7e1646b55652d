package io.upone.server.offers;

import io.upone.placement.PlacementReport;

/**
 * Why an app is (or is not) pending, as the leader sees it: instances still missing, its last
 * placement report (null when no offer cycle has considered it since this node began to lead)
 * and when offers last arrived at all.
 */
public record PlacementStatus(int pending, PlacementReport report, long reportAtMs, long lastOffersAtMs) {}
