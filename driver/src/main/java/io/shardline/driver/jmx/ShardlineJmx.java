package io.shardline.driver.jmx;

import io.shardline.driver.NodeStatus;
import io.shardline.driver.ShardlineStatus;

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
public final class ShardlineJmx {

    private static final Logger LOG = LoggerFactory.getLogger(ShardlineJmx.class);
    static final String DOMAIN = "io.shardline";

    private final List<ObjectName> names;

    private ShardlineJmx(List<ObjectName> names) {
        this.names = names;
    }

    /**
     * What the MBeans show: a runtime's status, read afresh on every attribute access. The driver's
     * runtime implements it; this package never sees the runtime itself.
     */
    public interface Source {
        /** The topology's source (file name), the MBeans' {@code name} key. */
        String source();

        /** The status of every node. */
        ShardlineStatus report();

        /** One node's status, by data source name. */
        NodeStatus node(String name);

        /** Sync commits that timed out waiting for acknowledgement. */
        long ackTimeouts();
    }

    /** Registers the runtime's MBeans; returns a handle for {@link #unregister()}. */
    public static ShardlineJmx register(Source runtime) {
        List<ObjectName> names = new ArrayList<>();
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            String source = runtime.source();
            String name = registerRuntime(server, runtime, source, names);
            for (NodeStatus n : runtime.report().nodes()) {
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

    private static String registerRuntime(MBeanServer server, Source runtime, String source,
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
    public ObjectName runtimeName() {
        return names.isEmpty() ? null : names.get(0);
    }

    public void unregister() {
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
        private final Source runtime;

        RuntimeBean(Source runtime) {
            this.runtime = runtime;
        }

        @Override
        public String getSource() {
            return runtime.source();
        }

        @Override
        public boolean isHealthy() {
            return runtime.report().healthy();
        }

        @Override
        public String[] getNodes() {
            return runtime.report().nodes().stream().map(NodeStatus::node).toArray(String[]::new);
        }

        @Override
        public long getAckTimeouts() {
            return runtime.ackTimeouts();
        }

        @Override
        public String[] getStatus() {
            return runtime.report().nodes().stream().map(NodeStatus::toString).toArray(String[]::new);
        }
    }

    private static final class NodeBean implements ShardlineNodeMBean {
        private final Source runtime;
        private final String node;

        NodeBean(Source runtime, String node) {
            this.runtime = runtime;
            this.node = node;
        }

        private NodeStatus s() {
            return runtime.node(node);
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
