package io.upone.core.json;

/** App definitions shared by the tests of reading, validating and commands. */
public final class AppJsonTestData {
  private AppJsonTestData() {}

  /** A Marathon app definition as a team would post it (bridge networking, Docker). */
  public static final String MARATHON_APP = """
      {
        "id": "/shop/web",
        "args": ["--port", "8080", "--log-level", "info"],
        "instances": 3,
        "cpus": 0.5,
        "mem": 256,
        "disk": 64,
        "container": {
          "type": "DOCKER",
          "docker": {
            "image": "registry.example.com/shop/web:1.4.2",
            "forcePullImage": true,
            "privileged": false
          },
          "portMappings": [
            {"containerPort": 8080, "hostPort": 0, "servicePort": 10001, "protocol": "tcp", "name": "http",
             "labels": {"VIP_0": "/shop/web:80"}},
            {"containerPort": 9090, "hostPort": 31090, "protocol": "tcp", "name": "metrics"},
            {"containerPort": 8125, "protocol": "udp", "name": "statsd"}
          ],
          "volumes": [
            {"containerPath": "/var/log/web", "hostPath": "/srv/logs/web", "mode": "RW"}
          ]
        },
        "networks": [{"mode": "container/bridge"}],
        "env": {"JAVA_OPTS": "-Xmx200m", "SHOP_ENV": "production"},
        "labels": {"team": "shop", "HAPROXY_GROUP": "external"},
        "constraints": [["hostname", "UNIQUE"], ["rack_id", "GROUP_BY", "3"], ["zone", "LIKE", "eu-.*"]],
        "healthChecks": [
          {"protocol": "MESOS_HTTP", "path": "/health", "portIndex": 0, "gracePeriodSeconds": 120,
           "intervalSeconds": 10, "timeoutSeconds": 5, "maxConsecutiveFailures": 3, "delaySeconds": 15,
           "ignoreHttp1xx": false},
          {"protocol": "COMMAND", "command": {"value": "curl -f http://localhost:8080/ready"}}
        ],
        "upgradeStrategy": {"minimumHealthCapacity": 0.5, "maximumOverCapacity": 0.2},
        "backoffSeconds": 2,
        "backoffFactor": 1.5,
        "maxLaunchDelaySeconds": 600,
        "taskKillGracePeriodSeconds": 30,
        "requirePorts": false,
        "user": "nobody",
        "fetch": [{"uri": "https://artifacts.example.com/web/config.tgz", "extract": true, "executable": false,
                   "cache": false}]
      }
      """;

  /** A host-networking app using upone's own fields. */
  public static final String HOST_APP = """
      {
        "id": "/infra/proxy",
        "cmd": "haproxy -f /etc/haproxy.cfg",
        "cpus": 1.5,
        "mem": 1024,
        "instances": 2,
        "portDefinitions": [
          {"port": 80, "name": "http", "protocol": "tcp", "labels": {"expose": "true"}},
          {"port": 0, "name": "admin"}
        ],
        "healthChecks": [{"protocol": "TCP", "portIndex": 1}],
        "constraints": [["hostname", "MAX_PER", "1"], ["role", "IS", "edge"]],
        "loadBalancer": {"zone": "dc1", "upstream": "proxy_http"},
        "alertChannel": "#infra-alerts",
        "uris": ["https://artifacts.example.com/haproxy.cfg"],
        "version": 4
      }
      """;
}
