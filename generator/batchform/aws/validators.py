"""The provider's own validators that botocore's models do not carry, written down as data.

Each entry names the terraform-provider-aws file it was read from; the names and prefixes are
in ``names``. They apply at ``terraform validate``, with the provider's wording.
"""

from __future__ import annotations

from batchform.aws import names
from batchform.aws.values import Constraint

_TPA = "terraform-provider-aws internal/service"
_CE = f"{_TPA}/batch/compute_environment.go"
_QUEUE = f"{_TPA}/batch/job_queue.go"
_POLICY = f"{_TPA}/batch/scheduling_policy.go"
_JOB = f"{_TPA}/batch/job_definition.go"
_LOG_GROUP = f"{_TPA}/logs/group.go"
_SG = f"{_TPA}/ec2/vpc_security_group.go"
_FLOW_LOG = f"{_TPA}/ec2/vpc_flow_log.go"
_ROLE = f"{_TPA}/iam/role.go"

# CloudWatch Logs retention: the values PutRetentionPolicy takes, 0 for "never expire"
# (aws_cloudwatch_log_group.retention_in_days, IntInSlice in logs/group.go).
LOG_RETENTION_DAYS = Constraint(
    "aws_cloudwatch_log_group", "retention_in_days", "enum", _LOG_GROUP,
    values=(0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
            2557, 2922, 3288, 3653),
)
# Fair-share share identifiers: up to 255 letters and digits, the last may be "*"
# (validShareIdentifier in batch/validate.go).
SHARE_IDENTIFIER = Constraint(
    "aws_batch_scheduling_policy", "fair_share_policy.share_distribution.share_identifier",
    "pattern", f"{_TPA}/batch/validate.go (validShareIdentifier)",
    pattern=r"[0-9A-Za-z]{0,254}[0-9A-Za-z*]?",
    message=("{key_q} ({value_q}) must be limited to 255 alphanumeric characters, where the "
             "last character can be an asterisk (*)."),
)
WEIGHT_FACTOR = Constraint(
    "aws_batch_scheduling_policy", "fair_share_policy.share_distribution.weight_factor",
    "range", _POLICY, minimum=0.0001, maximum=999.9999,
)
COMPUTE_RESERVATION = Constraint(
    "aws_batch_scheduling_policy", "fair_share_policy.compute_reservation", "range", _POLICY,
    minimum=0, maximum=99,
)
SHARE_DECAY_SECONDS = Constraint(
    "aws_batch_scheduling_policy", "fair_share_policy.share_decay_seconds", "range", _POLICY,
    minimum=0, maximum=604800,
)
SHARE_DISTRIBUTIONS = Constraint(
    "aws_batch_scheduling_policy", "fair_share_policy.share_distribution", "items", _POLICY,
    maximum=500,
)
RUNNABLE_TIME_LIMIT_SECONDS = Constraint(
    "aws_batch_job_queue", "job_state_time_limit_action.max_time_seconds", "range", _QUEUE,
    minimum=600, maximum=86400,
)
RETRY_ATTEMPTS = Constraint(
    "aws_batch_job_definition", "retry_strategy.attempts", "range", _JOB, minimum=1, maximum=10,
)
# IntBetween(1, 360) in compute_environment.go; the API documents up to 7200.
JOB_EXECUTION_TIMEOUT_MINUTES = Constraint(
    "aws_batch_compute_environment", "update_policy.job_execution_timeout_minutes", "range", _CE,
    minimum=1, maximum=360,
)
ATTEMPT_DURATION_SECONDS = Constraint(
    "aws_batch_job_definition", "timeout.attempt_duration_seconds", "range", _JOB, minimum=60,
)
_EXIT_REASON = r"[0-9A-Za-z.:\s]*\*?"
_EXIT_REASON_MESSAGE = (
    "invalid value for {key} (must contain letters, numbers, periods, colons, and white space, "
    "and can optionally end with an asterisk)"
)

ALL = (
    *names.ALL,
    Constraint("aws_batch_compute_environment", "name", "conflicts", _CE, others=("name_prefix",)),
    JOB_EXECUTION_TIMEOUT_MINUTES,
    Constraint("aws_batch_compute_environment", "service_role", "arn", _CE),
    Constraint("aws_batch_compute_environment", "compute_resources.instance_role", "arn", _CE),
    Constraint("aws_batch_compute_environment", "compute_resources.spot_iam_fleet_role", "arn",
               _CE),
    Constraint("aws_batch_compute_environment",
               "compute_resources.launch_template.launch_template_id", "conflicts", _CE,
               others=("launch_template_name",)),
    RUNNABLE_TIME_LIMIT_SECONDS,
    COMPUTE_RESERVATION,
    SHARE_DECAY_SECONDS,
    SHARE_DISTRIBUTIONS,
    SHARE_IDENTIFIER,
    WEIGHT_FACTOR,
    RETRY_ATTEMPTS,
    Constraint("aws_batch_job_definition", "retry_strategy.evaluate_on_exit", "items", _JOB,
               maximum=5),
    *(
        constraint
        for argument, pattern, message in (
            ("on_exit_code", r"[0-9]*\*?",
             "invalid value for {key} (must contain only numbers, and can optionally end with "
             "an asterisk)"),
            ("on_reason", _EXIT_REASON, _EXIT_REASON_MESSAGE),
            ("on_status_reason", _EXIT_REASON, _EXIT_REASON_MESSAGE),
        )
        for constraint in (
            Constraint("aws_batch_job_definition", f"retry_strategy.evaluate_on_exit.{argument}",
                       "length", _JOB, minimum=1, maximum=512),
            Constraint("aws_batch_job_definition", f"retry_strategy.evaluate_on_exit.{argument}",
                       "pattern", _JOB, pattern=pattern, message=message),
        )
    ),
    ATTEMPT_DURATION_SECONDS,
    Constraint("aws_batch_job_definition", "container_properties", "conflicts", _JOB,
               others=("ecs_properties", "eks_properties", "node_properties")),
    LOG_RETENTION_DAYS,
    Constraint("aws_cloudwatch_log_group", "name", "conflicts", _LOG_GROUP,
               others=("name_prefix",)),
    Constraint("aws_security_group", "name", "conflicts", _SG, others=("name_prefix",)),
    Constraint("aws_security_group", "description", "length", _SG, minimum=0, maximum=255),
    Constraint("aws_flow_log", "max_aggregation_interval", "enum", _FLOW_LOG, values=(60, 600)),
    Constraint("aws_iam_role", "name", "conflicts", _ROLE, others=("name_prefix",)),
)
