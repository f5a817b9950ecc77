package io.localmodels.session;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The contract against a real PostgreSQL server (`.ci/run` installs and starts Debian's on loopback):
 * LMA_TEST_PG_URL (default jdbc:postgresql://127.0.0.1:5432/lma_test), LMA_TEST_PG_USER / _PASSWORD
 * (default lma / lma). Each test gets its own schema, migrated by Flyway from db/migration.
 */
class PostgresSessionStoreTest extends SessionStoreContract {

    static final String URL = System.getenv().getOrDefault("LMA_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/lma_test");
    static final String USER = System.getenv().getOrDefault("LMA_TEST_PG_USER", "lma");
    static final String PASSWORD = System.getenv().getOrDefault("LMA_TEST_PG_PASSWORD", "lma");

    private String schema;
    private PGSimpleDataSource ds;

    static PGSimpleDataSource dataSource(String schema) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(URL);
        ds.setUser(USER);
        ds.setPassword(PASSWORD);
        if (schema != null) {
            ds.setCurrentSchema(schema);
        }
        return ds;
    }

    /** Skips (printing why) when no server answers. */
    static void requireServer() {
        try (Connection c = dataSource(null).getConnection()) {
            c.isValid(2);
        } catch (SQLException e) {
            String reason = "SKIPPED: needs a PostgreSQL server at " + URL + " as " + USER + " (" + e.getMessage() + "); .ci/run starts one";
            System.err.println(reason);
            Assumptions.abort(reason);
        }
    }

    @BeforeEach
    void migrate() {
        requireServer();
        schema = "lma_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Flyway.configure().dataSource(URL, USER, PASSWORD).schemas(schema).createSchemas(true)
                .locations("classpath:db/migration").load().migrate();
        ds = dataSource(schema);
    }

    @AfterEach
    void drop() throws SQLException {
        if (schema != null) {
            try (Connection c = dataSource(null).getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Override
    SessionStore store() {
        return new PostgresSessionStore(ds);
    }

    @Override
    SessionStore reopen() {
        return new PostgresSessionStore(dataSource(schema));
    }
}
