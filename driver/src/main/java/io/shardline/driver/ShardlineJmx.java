package io.shardline.driver;

import io.shardline.driver.jmx.ShardlineNodeMBean;
import io.shardline.driver.jmx.ShardlineRuntimeMBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a runtime's status with the platform MBean server: one {@link ShardlineRuntimeMBean}
 * and one {@link ShardlineNodeMBean} per node. Registration never fails the runtime: a second
 * runtime of the same topology gets a numbered name, and any JMX error is logged.
 */
final class ShardlineJmx {

    private static final Logger LOG = LoggerFactory.getLogger(ShardlineJmx.class);
    static final String DOMAIN = "io.shardline";

    private final List<ObjectName> names;

    private ShardlineJmx(List<ObjectName> names) {
        this.names = names;
    }

    /** Registers the runtime's MBeans; returns a handle for {@link #unregister()}. */
    static ShardlineJmx register(ShardlineRuntime runtime) {
        List<ObjectName> names = new ArrayList<>();
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            String source = runtime.topology.source();
            String name = registerRuntime(server, runtime, source, names);
            for (NodeStatus n : RuntimeStatus.all(runtime)) {
                ObjectName on = new ObjectName(DOMAIN + ":type=Node,name=" + ObjectName.quote(name) + ",shard="
                        + ObjectName.quote(n.shard()) + ",node=" + ObjectName.quote(n.node()));
                server.registerMBean(new StandardMBean(new NodeBean(runtime, n.node()), ShardlineNodeMBean.class), on);
                names.add(on);
            }
        } catch (JMException | RuntimeException e) {
            LOG.warn("Shardline could not register its JMX MBeans: {}", e.toString());
        }
        return new ShardlineJmx(names);
    }

    private static String registerRuntime(MBeanServer server, ShardlineRuntime runtime, String source,
                                          List<ObjectName> names) throws JMException {
        for (int i = 1; ; i++) {
            String name = i == 1 ? source : source + "#" + i;
            ObjectName on = new ObjectName(DOMAIN + ":type=Shardline,name=" + ObjectName.quote(name));
            try {
                server.registerMBean(new StandardMBean(new RuntimeBean(runtime), ShardlineRuntimeMBean.class), on);
                names.add(on);
                return name;
            } catch (InstanceAlreadyExistsException taken) {
                // another runtime of the same topology: try the next number
            }
        }
    }

    /** The runtime MBean's name, or null if registration failed. */
    ObjectName runtimeName() {
        return names.isEmpty() ? null : names.get(0);
    }

    void unregister() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName on : names) {
            try {
                if (server.isRegistered(on)) server.unregisterMBean(on);
            } catch (JMException | RuntimeException e) {
                LOG.debug("unregistering {} failed: {}", on, e.toString());
            }
        }
        names.clear();
    }

    private static final class RuntimeBean implements ShardlineRuntimeMBean {
        private final ShardlineRuntime runtime;

        RuntimeBean(ShardlineRuntime runtime) {
            this.runtime = runtime;
        }

        @Override
        public String getSource() {
            return runtime.topology.source();
        }

        @Override
        public boolean isHealthy() {
            return RuntimeStatus.report(runtime).healthy();
        }

        @Override
        public String[] getNodes() {
            return RuntimeStatus.all(runtime).stream().map(NodeStatus::node).toArray(String[]::new);
        }

        @Override
        public long getAckTimeouts() {
            return runtime.ackTimeouts.sum();
        }

        @Override
        public String[] getStatus() {
            return RuntimeStatus.all(runtime).stream().map(NodeStatus::toString).toArray(String[]::new);
        }
    }

    private static final class NodeBean implements ShardlineNodeMBean {
        private final ShardlineRuntime runtime;
        private final String node;

        NodeBean(ShardlineRuntime runtime, String node) {
            this.runtime = runtime;
            this.node = node;
        }

        private NodeStatus s() {
            return RuntimeStatus.node(runtime, node);
        }

        @Override
        public String getShard() {
            return s().shard();
        }

        @Override
        public String getNode() {
            return node;
        }

        @Override
        public String getRole() {
            return s().role();
        }

        @Override
        public String getState() {
            return s().state();
        }

        @Override
        public long getPosition() {
            return s().position();
        }

        @Override
        public long getLagEntries() {
            return s().lagEntries();
        }

        @Override
        public double getLagSeconds() {
            return s().lagSeconds();
        }

        @Override
        public double getApplyRate() {
            return s().applyRate();
        }

        @Override
        public long getAppliedEntries() {
            return s().appliedEntries();
        }

        @Override
        public long getLogEntries() {
            return s().logEntries();
        }

        @Override
        public long getReads() {
            return s().reads();
        }

        @Override
        public long getWrites() {
            return s().writes();
        }

        @Override
        public String getLastError() {
            return s().lastError();
        }

        @Override
        public String getLastErrorTime() {
            NodeStatus s = s();
            return s.lastErrorAt() == null ? null : s.lastErrorAt().toString();
        }

        @Override
        public long getBrokenPosition() {
            return s().brokenPosition();
        }
    }
}
