/** Monitoring: the three alarms and where they notify. */
import { Match } from 'aws-cdk-lib/assertions';
import { synth } from './synth';

describe('Monitoring', () => {
  const { template } = synth();

  it('alarms on any function error and any throttle, and on 5 API 5xx in five minutes', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => ({
      metric: `${a.Properties.Namespace}/${a.Properties.MetricName}`,
      threshold: a.Properties.Threshold,
      period: a.Properties.Period,
      statistic: a.Properties.Statistic,
    }));
    expect(alarms).toEqual([
      { metric: 'AWS/Lambda/Errors', threshold: 1, period: 300, statistic: 'Sum' },
      { metric: 'AWS/Lambda/Throttles', threshold: 1, period: 300, statistic: 'Sum' },
      { metric: 'AWS/ApiGateway/5XXError', threshold: 5, period: 300, statistic: 'Sum' },
    ]);
  });

  it('notifies nobody unless a topic is given', () => {
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: Match.anyValue() }, 0);
  });

  it('notifies the given SNS topic on alarm and on recovery', () => {
    const topic = 'arn:aws:sns:eu-west-1:111122223333:credvend-alarms';
    const alarms = Object.values(
      synth({ alarmTopicArn: topic }).template.findResources('AWS::CloudWatch::Alarm'),
    );
    expect(alarms).toHaveLength(3);
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({ AlarmActions: [topic], OKActions: [topic] });
    }
  });
});
