package kepugraph.neo4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Neo4j Community in this process, for kepugraph's tests and local runs: the
 * embedded database management service with only the Bolt connector, on
 * 127.0.0.1, authentication on.
 *
 * <p>Settings (system properties, else environment variables, else defaults):
 * <ul>
 *   <li>{@code home} / {@code KEPUGRAPH_NEO4J_HOME}: the server's directory
 *       (data, transaction logs, debug.log), default {@code ./neo4j-home};
 *       kept between runs, so a restart finds the same graph;</li>
 *   <li>{@code port} / {@code KEPUGRAPH_NEO4J_PORT}: the Bolt port, default 0
 *       (a free port, chosen by the operating system);</li>
 *   <li>{@code user}, {@code password} / {@code NEO4J_USER},
 *       {@code NEO4J_PASSWORD}: the account, default {@code neo4j} /
 *       {@code kepugraph-test} (Community has the one user {@code neo4j});</li>
 *   <li>{@code pagecache} / {@code KEPUGRAPH_NEO4J_PAGECACHE}: the page
 *       cache, default {@code 512m} (the heap is the JVM's {@code -Xmx});</li>
 *   <li>{@code plans} / {@code KEPUGRAPH_NEO4J_PLANS}: {@code default}
 *       (Neo4j's: a query cache of 1,000 plans, a plan replanned when the
 *       statistics it was made from changed enough, checked at most every
 *       10 s) or {@code keep} (for the tests: 20,000 plans, none replanned
 *       within a day, so that the many small databases the tests make and
 *       wipe do not make Neo4j plan the same statement again and again;
 *       a change of the schema still empties the cache);</li>
 *   <li>{@code conf} / {@code KEPUGRAPH_NEO4J_CONF}: a file of more Neo4j
 *       settings in {@code neo4j.conf} syntax (one {@code name=value} a
 *       line), for example the checkpoint or transaction settings a
 *       measurement needs; read after the settings above, so a setting it
 *       names wins; a file that is missing or that names an unknown
 *       setting stops the start with Neo4j's error;</li>
 *   <li>{@code uriFile} / {@code KEPUGRAPH_NEO4J_URI_FILE}: a file to which
 *       the Bolt URI is written once the server is ready (written to a
 *       temporary file and renamed, so a reader never sees half of it).</li>
 * </ul>
 *
 * <p>When the server is ready it prints {@code ready bolt://127.0.0.1:PORT}
 * on standard output. SIGTERM (or SIGINT) shuts it down cleanly (the
 * shutdown hook), and the process exits 0.
 */
public final class Server {
    private Server() {}

    static String setting(String property, String env, String def) {
        String v = System.getProperty(property);
        if (v == null || v.isEmpty()) {
            v = System.getenv(env);
        }
        return v == null || v.isEmpty() ? def : v;
    }

    /**
     * main starts the server; any failure of the start (the store, the
     * Bolt port, the password statement, which db.transaction.timeout
     * also limits) ends the process with status 1 and the stack trace,
     * rather than leaving a JVM that Neo4j's own threads keep alive but
     * that never becomes ready.
     */
    public static void main(String[] args) {
        try {
            start();
        } catch (Throwable e) {
            System.err.println("kepugraph neo4j: the start failed:");
            e.printStackTrace();
            System.err.flush();
            System.exit(1);
        }
    }

    static void start() throws Exception {
        Path home = Path.of(setting("home", "KEPUGRAPH_NEO4J_HOME", "neo4j-home")).toAbsolutePath();
        int port = Integer.parseInt(setting("port", "KEPUGRAPH_NEO4J_PORT", "0"));
        String user = setting("user", "NEO4J_USER", "neo4j");
        String password = setting("password", "NEO4J_PASSWORD", "kepugraph-test");
        long pagecache = bytes(setting("pagecache", "KEPUGRAPH_NEO4J_PAGECACHE", "512m"));
        String uriFile = setting("uriFile", "KEPUGRAPH_NEO4J_URI_FILE", "");
        String plans = setting("plans", "KEPUGRAPH_NEO4J_PLANS", "default");
        String conf = setting("conf", "KEPUGRAPH_NEO4J_CONF", "");
        if (!conf.isEmpty() && !Files.isRegularFile(Path.of(conf))) {
            fail("KEPUGRAPH_NEO4J_CONF=" + conf + ": no such file");
        }
        if (!plans.equals("default") && !plans.equals("keep")) {
            fail("KEPUGRAPH_NEO4J_PLANS=" + plans + ": want default or keep");
        }
        if (!user.equals("neo4j")) {
            fail("NEO4J_USER=" + user + ": Neo4j Community has the one user neo4j");
        }
        if (password.length() < 8) {
            fail("NEO4J_PASSWORD is shorter than 8 characters (Neo4j's minimum)");
        }
        Files.createDirectories(home);

        long start = System.nanoTime();
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
        if (plans.equals("keep")) {
            builder.setConfig(GraphDatabaseSettings.query_cache_size, 20_000)
                    .setConfig(GraphDatabaseSettings.cypher_min_replan_interval, Duration.ofDays(1));
        }
        builder.setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pagecache)
                // Keep only the newest transaction log files: the tests wipe
                // and load the graph many times.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 files")
                .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(5));
        if (!conf.isEmpty()) {
            builder.loadPropertiesFromFile(Path.of(conf).toAbsolutePath());
        }
        DatabaseManagementService dbms = builder.build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping");
            dbms.shutdown();
            System.out.println("stopped");
            stopped.countDown();
        }, "neo4j-shutdown"));

        // Community starts with user neo4j / password "neo4j" that must be
        // changed; set ours (again on a restart: a no-op when it is the same).
        GraphDatabaseService system = dbms.database("system");
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }

        GraphDatabaseAPI db = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        int bolt = db.getDependencyResolver().resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT).getPort();
        String uri = "bolt://127.0.0.1:" + bolt;
        if (!uriFile.isEmpty()) {
            Path f = Path.of(uriFile);
            Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            Files.writeString(tmp, uri + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        System.out.printf("ready %s (Neo4j %s, home %s, plans %s, %d ms)%n", uri,
                org.neo4j.kernel.internal.Version.getNeo4jVersion(), home, plans, (System.nanoTime() - start) / 1_000_000);
        System.out.flush();
        stopped.await();
    }

    /** bytes parses 512m, 1g, 65536k or a number of bytes. */
    static long bytes(String s) {
        String t = s.trim().toLowerCase();
        long mult = 1;
        switch (t.charAt(t.length() - 1)) {
            case 'k' -> mult = 1L << 10;
            case 'm' -> mult = 1L << 20;
            case 'g' -> mult = 1L << 30;
            default -> {
                return Long.parseLong(t);
            }
        }
        return Long.parseLong(t.substring(0, t.length() - 1)) * mult;
    }

    static void fail(String msg) throws IOException {
        System.err.println("kepugraph neo4j: " + msg);
        System.exit(2);
    }
}
