/** A few alarms that say the vend path is failing: function errors and throttles, API 5xx. */
import { Duration } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Properties of {@link Monitoring}. */
export interface MonitoringProps {
  /** The vend function. */
  readonly function: IFunction;
  /** The API stage. */
  readonly stage: Stage;
  /**
   * An SNS topic that alarms notify.
   * @default - alarms change state without notifying anyone
   */
  readonly alarmTopicArn?: string;
  /**
   * API 5xx responses in five minutes that raise the alarm.
   * @default 5
   */
  readonly serverErrorThreshold?: number;
}

/** The alarms. */
export class Monitoring extends Construct {
  /** Every alarm this construct created. */
  public readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const alarm = (alarmId: string, description: string, metric: IMetric, threshold: number) =>
      new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });

    this.alarms = [
      // The handler turns every expected failure into a response; an invocation error is a crash or a bad config.
      alarm(
        'FunctionErrors',
        'credvend: the vend function failed (crash, timeout or invalid configuration at init)',
        props.function.metricErrors({ period, statistic: 'Sum' }),
        1,
      ),
      alarm(
        'FunctionThrottles',
        'credvend: the vend function was throttled (concurrency exhausted); callers got 5xx',
        props.function.metricThrottles({ period, statistic: 'Sum' }),
        1,
      ),
      alarm(
        'ApiServerErrors',
        'credvend: the API answered 5xx (STS or DynamoDB failing, misconfigured tenants, function errors)',
        props.stage.metricServerError({ period, statistic: 'Sum' }),
        props.serverErrorThreshold ?? 5,
      ),
    ];

    if (props.alarmTopicArn !== undefined) {
      const action = new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn));
      for (const a of this.alarms) {
        a.addAlarmAction(action);
        a.addOkAction(action);
      }
    }
  }
}
