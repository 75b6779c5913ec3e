import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { brokerReadiness, EVENT_BROKER, type EventBroker, KafkajsEventBroker } from '@converge/kafka';
import { HealthHttpController, MetricsModule, READINESS_CHECKS, type ReadinessCheck } from '@converge/platform';
import { StudioCarts } from './carts/studio-carts';
import { StudioSessions } from './carts/studio-sessions';
import { StudioIdentity } from './identity/studio-identity';
import { JourneyBoard } from './journeys/journey-board';
import { VisibilityProbe } from './journeys/visibility-probe';
import { WatchAppliedEventsClient } from './journeys/watch-applied-events.client';
import { WatchPublishedEventsConsumer } from './journeys/watch-published-events.consumer';
import { CompareDigests } from './compare-digests/compare-digests';
import { CompareDigestsHttpController } from './compare-digests/compare-digests.http.controller';
import { MeasureWindow } from './measure-window/measure-window';
import { MeasureWindowHttpController } from './measure-window/measure-window.http.controller';
import { OperateServicesHttpController } from './operate-services/operate-services.http.controller';
import { ServiceOperations } from './operate-services/service-operations';
import { StudioPageHttpController } from './page/studio-page.http.controller';
import { ReadCart } from './read-cart/read-cart';
import { ReadCartHttpController } from './read-cart/read-cart.http.controller';
import { ServiceEndpoints } from './services/service-endpoints';
import { studioConfig, type StudioConfig } from './studio.config';
import { ServiceGauges } from './system/service-gauges';
import { FeedTicker } from './watch-journeys/feed-ticker';
import { WatchJourneysHttpController } from './watch-journeys/watch-journeys.http.controller';
import { WriteCartHttpController } from './write-cart/write-cart.http.controller';

/** Ready once its broker answers; the streams it follows are shown, not required: they reconnect. */
function appliedStreamsReadiness(client: WatchAppliedEventsClient): ReadinessCheck {
  return { name: 'appliedStreams', probe: async () => ({ streams: client.streams }) };
}

@Module({
  imports: [
    ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [studioConfig] }),
    TerminusModule,
    MetricsModule,
  ],
  controllers: [
    HealthHttpController,
    StudioPageHttpController,
    WatchJourneysHttpController,
    WriteCartHttpController,
    ReadCartHttpController,
    OperateServicesHttpController,
    MeasureWindowHttpController,
    CompareDigestsHttpController,
  ],
  providers: [
    {
      provide: EVENT_BROKER,
      inject: [studioConfig.KEY],
      useFactory: (config: StudioConfig) =>
        new KafkajsEventBroker({
          clientId: 'studio',
          brokers: config.kafkaBrokers,
          ...config.kafkaSecurity,
          logLevel: config.logLevel,
        }),
    },
    {
      provide: StudioIdentity,
      inject: [studioConfig.KEY],
      useFactory: (config: StudioConfig) => new StudioIdentity(config.credentials),
    },
    { provide: JourneyBoard, useFactory: () => new JourneyBoard() },
    {
      provide: READINESS_CHECKS,
      inject: [EVENT_BROKER, WatchAppliedEventsClient],
      useFactory: (broker: EventBroker, applied: WatchAppliedEventsClient) => [
        brokerReadiness(broker),
        appliedStreamsReadiness(applied),
      ],
    },
    ServiceEndpoints,
    StudioSessions,
    StudioCarts,
    ReadCart,
    ServiceOperations,
    VisibilityProbe,
    WatchAppliedEventsClient,
    WatchPublishedEventsConsumer,
    ServiceGauges,
    FeedTicker,
    MeasureWindow,
    CompareDigests,
  ],
})
export class StudioModule {}
