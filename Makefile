# upone — the README's commands. Everything runs from a fresh clone with JDK 17 and Maven.
MVN ?= mvn -B
JAR := modules/upone-server/target/upone.jar
JAVA_OPTS ?= -Xmx1g -Dcom.google.protobuf.use_unsafe_pre22_gencode

.PHONY: all jar run test bench chaos cluster cluster-stop clean

all: jar

# What the jar is built from: a second `make run` with nothing changed starts at once.
SOURCES := $(shell find pom.xml modules \( -name target -o -name node_modules \) -prune -o -type f \
	\( -path '*/src/main/*' -o -name pom.xml \) -print)

## jar: build the fat jar (modules/upone-server/target/upone.jar), only when a source or pom changed
jar: $(JAR)

$(JAR): $(SOURCES)
	$(MVN) -q install -DskipTests
	@touch $@

## run: build, then start one node in the foreground (Ctrl-C stops it); prints the API URL
run: jar
	JAVA_OPTS="$(JAVA_OPTS)" scripts/run-local.sh

## test: every module's tests (real raft groups on loopback, real HTTP servers)
test:
	$(MVN) verify

## chaos: the leader-kill scenario (3 nodes, 2 agents, an app scaled across kills, per-second cron ALLOW and FORBID)
## with KILLS leader kills (default 20); prints lost/duplicate tasks, missing/duplicate/false-failed instants,
## extra processes and failover times (make test runs it with 2 kills)
KILLS ?= 20
chaos:
	$(MVN) -q -pl modules/upone-server -am verify -Dtest=ChaosTest -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dchaos.kills=$(KILLS); status=$$?; cat modules/upone-server/target/chaos-report.txt; exit $$status

## bench: benchmarks that print figures and their ratio to a baseline measured in the same run
bench: jar
	scripts/bench.sh

## cluster: three nodes and two agents on loopback in the background (logs and data under run/), prints the leader;
## cluster-stop ends them and every task they started
cluster: jar
	scripts/cluster.sh start

cluster-stop:
	scripts/cluster.sh stop

clean:
	$(MVN) -q clean
	rm -rf run data
