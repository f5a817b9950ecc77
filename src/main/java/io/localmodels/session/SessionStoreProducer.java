package io.localmodels.session;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/** The store lma.session.store asks for; PostgreSQL's schema is migrated (Flyway) before first use. */
@ApplicationScoped
public class SessionStoreProducer {

    private static final Logger LOG = Logger.getLogger(SessionStoreProducer.class);

    @Produces
    @Singleton
    SessionStore store(SessionConfig config, Instance<AgroalDataSource> dataSource, Instance<Flyway> flyway) {
        if (config.store() == SessionConfig.Store.POSTGRES) {
            flyway.get().migrate();
            LOG.info("session store: PostgreSQL (quarkus.datasource.*), schema migrated");
            return new PostgresSessionStore(dataSource.get());
        }
        return new JournalSessionStore(config.dataDir(), config.fsync());
    }
}
