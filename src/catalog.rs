//! The catalogue of node kinds: default label, category, colour and embedded icon for each.
//!
//! The icons in `icons/` are the project's own drawings: a 48×48 rounded square in the
//! category colour with a simple white glyph. They are embedded in the binary.

/// Service category of a catalogued kind; decides the icon colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Compute,
    Containers,
    Storage,
    Database,
    Networking,
    Security,
    Management,
    Integration,
    DevTools,
    Analytics,
    General,
}

impl Category {
    /// Fill colour of the icon square for this category (`#RRGGBB`).
    pub fn colour(self) -> &'static str {
        match self {
            Category::Compute | Category::Containers => "#ED7100",
            Category::Storage => "#7AA116",
            Category::Database => "#C925D1",
            Category::Networking | Category::Analytics => "#8C4FFF",
            Category::Security => "#DD344C",
            Category::Management | Category::Integration => "#E7157B",
            Category::DevTools => "#3F48CC",
            Category::General => "#232F3E",
        }
    }

    /// Human-readable category name.
    pub fn name(self) -> &'static str {
        match self {
            Category::Compute => "Compute",
            Category::Containers => "Containers",
            Category::Storage => "Storage",
            Category::Database => "Database",
            Category::Networking => "Networking & Content Delivery",
            Category::Security => "Security, Identity & Compliance",
            Category::Management => "Management & Governance",
            Category::Integration => "Application Integration",
            Category::DevTools => "Developer Tools",
            Category::Analytics => "Analytics",
            Category::General => "General",
        }
    }
}

/// One catalogued node kind.
#[derive(Debug, Clone, Copy)]
pub struct KindInfo {
    /// Kind name as written in specs, e.g. `"nat-gateway"`.
    pub kind: &'static str,
    /// Default label, e.g. `"NAT gateway"`.
    pub label: &'static str,
    /// Service category (decides the icon colour).
    pub category: Category,
    /// AWS service name words used to match files of AWS's official icon package,
    /// e.g. `"Amazon-VPC_NAT-Gateway"` (as in `Res_Amazon-VPC_NAT-Gateway_48.svg`)
    /// or `"Amazon-EC2"` (as in `Arch_Amazon-EC2_64.svg`).
    pub service: &'static str,
    /// The embedded SVG icon (viewBox `0 0 48 48`).
    pub icon: &'static str,
}

/// All catalogued kinds, sorted by `kind`.
pub static KINDS: &[KindInfo] = &[
    KindInfo {
        kind: "acm",
        label: "Certificate Manager",
        category: Category::Security,
        service: "AWS-Certificate-Manager",
        icon: include_str!("../icons/acm.svg"),
    },
    KindInfo {
        kind: "alb",
        label: "Application Load Balancer",
        category: Category::Networking,
        service: "Elastic-Load-Balancing_Application-Load-Balancer",
        icon: include_str!("../icons/alb.svg"),
    },
    KindInfo {
        kind: "amplify",
        label: "Amplify",
        category: Category::DevTools,
        service: "AWS-Amplify",
        icon: include_str!("../icons/amplify.svg"),
    },
    KindInfo {
        kind: "api-gateway",
        label: "API Gateway",
        category: Category::Integration,
        service: "Amazon-API-Gateway",
        icon: include_str!("../icons/api-gateway.svg"),
    },
    KindInfo {
        kind: "app-mesh",
        label: "App Mesh",
        category: Category::Networking,
        service: "AWS-App-Mesh",
        icon: include_str!("../icons/app-mesh.svg"),
    },
    KindInfo {
        kind: "app-runner",
        label: "App Runner",
        category: Category::Compute,
        service: "AWS-App-Runner",
        icon: include_str!("../icons/app-runner.svg"),
    },
    KindInfo {
        kind: "appflow",
        label: "AppFlow",
        category: Category::Integration,
        service: "Amazon-AppFlow",
        icon: include_str!("../icons/appflow.svg"),
    },
    KindInfo {
        kind: "appstream",
        label: "AppStream",
        category: Category::Compute,
        service: "Amazon-AppStream-2",
        icon: include_str!("../icons/appstream.svg"),
    },
    KindInfo {
        kind: "appsync",
        label: "AppSync",
        category: Category::Integration,
        service: "AWS-AppSync",
        icon: include_str!("../icons/appsync.svg"),
    },
    KindInfo {
        kind: "athena",
        label: "Athena",
        category: Category::Analytics,
        service: "Amazon-Athena",
        icon: include_str!("../icons/athena.svg"),
    },
    KindInfo {
        kind: "aurora",
        label: "Aurora",
        category: Category::Database,
        service: "Amazon-Aurora",
        icon: include_str!("../icons/aurora.svg"),
    },
    KindInfo {
        kind: "auto-scaling",
        label: "Auto Scaling",
        category: Category::Compute,
        service: "Amazon-EC2-Auto-Scaling",
        icon: include_str!("../icons/auto-scaling.svg"),
    },
    KindInfo {
        kind: "backup",
        label: "Backup",
        category: Category::Storage,
        service: "AWS-Backup",
        icon: include_str!("../icons/backup.svg"),
    },
    KindInfo {
        kind: "batch",
        label: "Batch",
        category: Category::Compute,
        service: "AWS-Batch",
        icon: include_str!("../icons/batch.svg"),
    },
    KindInfo {
        kind: "bedrock",
        label: "Bedrock",
        category: Category::Analytics,
        service: "Amazon-Bedrock",
        icon: include_str!("../icons/bedrock.svg"),
    },
    KindInfo {
        kind: "budgets",
        label: "Budgets",
        category: Category::Management,
        service: "AWS-Budgets",
        icon: include_str!("../icons/budgets.svg"),
    },
    KindInfo {
        kind: "cdk",
        label: "CDK",
        category: Category::DevTools,
        service: "AWS-Cloud-Development-Kit",
        icon: include_str!("../icons/cdk.svg"),
    },
    KindInfo {
        kind: "clb",
        label: "Classic Load Balancer",
        category: Category::Networking,
        service: "Elastic-Load-Balancing_Classic-Load-Balancer",
        icon: include_str!("../icons/clb.svg"),
    },
    KindInfo {
        kind: "client",
        label: "Client",
        category: Category::General,
        service: "Client",
        icon: include_str!("../icons/client.svg"),
    },
    KindInfo {
        kind: "client-vpn",
        label: "Client VPN",
        category: Category::Networking,
        service: "AWS-Client-VPN",
        icon: include_str!("../icons/client-vpn.svg"),
    },
    KindInfo {
        kind: "cloud-map",
        label: "Cloud Map",
        category: Category::Networking,
        service: "AWS-Cloud-Map",
        icon: include_str!("../icons/cloud-map.svg"),
    },
    KindInfo {
        kind: "cloud9",
        label: "Cloud9",
        category: Category::DevTools,
        service: "AWS-Cloud9",
        icon: include_str!("../icons/cloud9.svg"),
    },
    KindInfo {
        kind: "cloudformation",
        label: "CloudFormation",
        category: Category::Management,
        service: "AWS-CloudFormation",
        icon: include_str!("../icons/cloudformation.svg"),
    },
    KindInfo {
        kind: "cloudfront",
        label: "CloudFront",
        category: Category::Networking,
        service: "Amazon-CloudFront",
        icon: include_str!("../icons/cloudfront.svg"),
    },
    KindInfo {
        kind: "cloudhsm",
        label: "CloudHSM",
        category: Category::Security,
        service: "AWS-CloudHSM",
        icon: include_str!("../icons/cloudhsm.svg"),
    },
    KindInfo {
        kind: "cloudshell",
        label: "CloudShell",
        category: Category::DevTools,
        service: "AWS-CloudShell",
        icon: include_str!("../icons/cloudshell.svg"),
    },
    KindInfo {
        kind: "cloudtrail",
        label: "CloudTrail",
        category: Category::Management,
        service: "AWS-CloudTrail",
        icon: include_str!("../icons/cloudtrail.svg"),
    },
    KindInfo {
        kind: "cloudwatch",
        label: "CloudWatch",
        category: Category::Management,
        service: "Amazon-CloudWatch",
        icon: include_str!("../icons/cloudwatch.svg"),
    },
    KindInfo {
        kind: "cloudwatch-logs",
        label: "CloudWatch Logs",
        category: Category::Management,
        service: "Amazon-CloudWatch_Logs",
        icon: include_str!("../icons/cloudwatch-logs.svg"),
    },
    KindInfo {
        kind: "codeartifact",
        label: "CodeArtifact",
        category: Category::DevTools,
        service: "AWS-CodeArtifact",
        icon: include_str!("../icons/codeartifact.svg"),
    },
    KindInfo {
        kind: "codebuild",
        label: "CodeBuild",
        category: Category::DevTools,
        service: "AWS-CodeBuild",
        icon: include_str!("../icons/codebuild.svg"),
    },
    KindInfo {
        kind: "codecommit",
        label: "CodeCommit",
        category: Category::DevTools,
        service: "AWS-CodeCommit",
        icon: include_str!("../icons/codecommit.svg"),
    },
    KindInfo {
        kind: "codedeploy",
        label: "CodeDeploy",
        category: Category::DevTools,
        service: "AWS-CodeDeploy",
        icon: include_str!("../icons/codedeploy.svg"),
    },
    KindInfo {
        kind: "codepipeline",
        label: "CodePipeline",
        category: Category::DevTools,
        service: "AWS-CodePipeline",
        icon: include_str!("../icons/codepipeline.svg"),
    },
    KindInfo {
        kind: "cognito",
        label: "Cognito",
        category: Category::Security,
        service: "Amazon-Cognito",
        icon: include_str!("../icons/cognito.svg"),
    },
    KindInfo {
        kind: "comprehend",
        label: "Comprehend",
        category: Category::Analytics,
        service: "Amazon-Comprehend",
        icon: include_str!("../icons/comprehend.svg"),
    },
    KindInfo {
        kind: "config",
        label: "Config",
        category: Category::Management,
        service: "AWS-Config",
        icon: include_str!("../icons/config.svg"),
    },
    KindInfo {
        kind: "connect",
        label: "Connect",
        category: Category::Integration,
        service: "Amazon-Connect",
        icon: include_str!("../icons/connect.svg"),
    },
    KindInfo {
        kind: "container",
        label: "Container",
        category: Category::Containers,
        service: "Amazon-Elastic-Container-Service_Container-1",
        icon: include_str!("../icons/container.svg"),
    },
    KindInfo {
        kind: "control-tower",
        label: "Control Tower",
        category: Category::Management,
        service: "AWS-Control-Tower",
        icon: include_str!("../icons/control-tower.svg"),
    },
    KindInfo {
        kind: "cost-explorer",
        label: "Cost Explorer",
        category: Category::Management,
        service: "AWS-Cost-Explorer",
        icon: include_str!("../icons/cost-explorer.svg"),
    },
    KindInfo {
        kind: "customer-gateway",
        label: "Customer gateway",
        category: Category::Networking,
        service: "Amazon-VPC_Customer-Gateway",
        icon: include_str!("../icons/customer-gateway.svg"),
    },
    KindInfo {
        kind: "data-center",
        label: "Corporate data center",
        category: Category::General,
        service: "Corporate-data-center",
        icon: include_str!("../icons/data-center.svg"),
    },
    KindInfo {
        kind: "data-exchange",
        label: "Data Exchange",
        category: Category::Analytics,
        service: "AWS-Data-Exchange",
        icon: include_str!("../icons/data-exchange.svg"),
    },
    KindInfo {
        kind: "datasync",
        label: "DataSync",
        category: Category::Storage,
        service: "AWS-DataSync",
        icon: include_str!("../icons/datasync.svg"),
    },
    KindInfo {
        kind: "detective",
        label: "Detective",
        category: Category::Security,
        service: "Amazon-Detective",
        icon: include_str!("../icons/detective.svg"),
    },
    KindInfo {
        kind: "direct-connect",
        label: "Direct Connect",
        category: Category::Networking,
        service: "AWS-Direct-Connect",
        icon: include_str!("../icons/direct-connect.svg"),
    },
    KindInfo {
        kind: "direct-connect-gateway",
        label: "Direct Connect gateway",
        category: Category::Networking,
        service: "AWS-Direct-Connect_Gateway",
        icon: include_str!("../icons/direct-connect-gateway.svg"),
    },
    KindInfo {
        kind: "directory-service",
        label: "Directory Service",
        category: Category::Security,
        service: "AWS-Directory-Service",
        icon: include_str!("../icons/directory-service.svg"),
    },
    KindInfo {
        kind: "dms",
        label: "DMS",
        category: Category::Database,
        service: "AWS-Database-Migration-Service",
        icon: include_str!("../icons/dms.svg"),
    },
    KindInfo {
        kind: "documentdb",
        label: "DocumentDB",
        category: Category::Database,
        service: "Amazon-DocumentDB",
        icon: include_str!("../icons/documentdb.svg"),
    },
    KindInfo {
        kind: "dynamodb",
        label: "DynamoDB",
        category: Category::Database,
        service: "Amazon-DynamoDB",
        icon: include_str!("../icons/dynamodb.svg"),
    },
    KindInfo {
        kind: "ebs",
        label: "EBS",
        category: Category::Storage,
        service: "Amazon-Elastic-Block-Store",
        icon: include_str!("../icons/ebs.svg"),
    },
    KindInfo {
        kind: "ec2",
        label: "EC2 instance",
        category: Category::Compute,
        service: "Amazon-EC2",
        icon: include_str!("../icons/ec2.svg"),
    },
    KindInfo {
        kind: "ecr",
        label: "ECR",
        category: Category::Containers,
        service: "Amazon-Elastic-Container-Registry",
        icon: include_str!("../icons/ecr.svg"),
    },
    KindInfo {
        kind: "ecs",
        label: "ECS",
        category: Category::Containers,
        service: "Amazon-Elastic-Container-Service",
        icon: include_str!("../icons/ecs.svg"),
    },
    KindInfo {
        kind: "efs",
        label: "EFS",
        category: Category::Storage,
        service: "Amazon-EFS",
        icon: include_str!("../icons/efs.svg"),
    },
    KindInfo {
        kind: "egress-only-gateway",
        label: "Egress-only internet gateway",
        category: Category::Networking,
        service: "Amazon-VPC_Internet-Gateway",
        icon: include_str!("../icons/egress-only-gateway.svg"),
    },
    KindInfo {
        kind: "eks",
        label: "EKS",
        category: Category::Containers,
        service: "Amazon-Elastic-Kubernetes-Service",
        icon: include_str!("../icons/eks.svg"),
    },
    KindInfo {
        kind: "eks-node-group",
        label: "EKS node group",
        category: Category::Containers,
        service: "Amazon-EC2_Instances",
        icon: include_str!("../icons/eks-node-group.svg"),
    },
    KindInfo {
        kind: "elastic-beanstalk",
        label: "Elastic Beanstalk",
        category: Category::Compute,
        service: "AWS-Elastic-Beanstalk",
        icon: include_str!("../icons/elastic-beanstalk.svg"),
    },
    KindInfo {
        kind: "elastic-ip",
        label: "Elastic IP",
        category: Category::Networking,
        service: "Amazon-EC2_Elastic-IP-Address",
        icon: include_str!("../icons/elastic-ip.svg"),
    },
    KindInfo {
        kind: "elasticache",
        label: "ElastiCache",
        category: Category::Database,
        service: "Amazon-ElastiCache",
        icon: include_str!("../icons/elasticache.svg"),
    },
    KindInfo {
        kind: "emr",
        label: "EMR",
        category: Category::Analytics,
        service: "Amazon-EMR",
        icon: include_str!("../icons/emr.svg"),
    },
    KindInfo {
        kind: "eni",
        label: "Network interface",
        category: Category::Networking,
        service: "Amazon-VPC_Elastic-Network-Interface",
        icon: include_str!("../icons/eni.svg"),
    },
    KindInfo {
        kind: "envoy",
        label: "Envoy proxy",
        category: Category::Networking,
        service: "AWS-App-Mesh_Virtual-Node",
        icon: include_str!("../icons/envoy.svg"),
    },
    KindInfo {
        kind: "eventbridge",
        label: "EventBridge",
        category: Category::Integration,
        service: "Amazon-EventBridge",
        icon: include_str!("../icons/eventbridge.svg"),
    },
    KindInfo {
        kind: "fargate",
        label: "Fargate",
        category: Category::Containers,
        service: "AWS-Fargate",
        icon: include_str!("../icons/fargate.svg"),
    },
    KindInfo {
        kind: "fargate-task",
        label: "Fargate task",
        category: Category::Containers,
        service: "Amazon-Elastic-Container-Service_Task",
        icon: include_str!("../icons/fargate-task.svg"),
    },
    KindInfo {
        kind: "firehose",
        label: "Data Firehose",
        category: Category::Analytics,
        service: "Amazon-Data-Firehose",
        icon: include_str!("../icons/firehose.svg"),
    },
    KindInfo {
        kind: "firewall-manager",
        label: "Firewall Manager",
        category: Category::Security,
        service: "AWS-Firewall-Manager",
        icon: include_str!("../icons/firewall-manager.svg"),
    },
    KindInfo {
        kind: "fsx",
        label: "FSx",
        category: Category::Storage,
        service: "Amazon-FSx",
        icon: include_str!("../icons/fsx.svg"),
    },
    KindInfo {
        kind: "github",
        label: "GitHub",
        category: Category::General,
        service: "Git-Repository",
        icon: include_str!("../icons/github.svg"),
    },
    KindInfo {
        kind: "glacier",
        label: "Glacier",
        category: Category::Storage,
        service: "Amazon-Simple-Storage-Service-Glacier",
        icon: include_str!("../icons/glacier.svg"),
    },
    KindInfo {
        kind: "global-accelerator",
        label: "Global Accelerator",
        category: Category::Networking,
        service: "AWS-Global-Accelerator",
        icon: include_str!("../icons/global-accelerator.svg"),
    },
    KindInfo {
        kind: "glue",
        label: "Glue",
        category: Category::Analytics,
        service: "AWS-Glue",
        icon: include_str!("../icons/glue.svg"),
    },
    KindInfo {
        kind: "guardduty",
        label: "GuardDuty",
        category: Category::Security,
        service: "Amazon-GuardDuty",
        icon: include_str!("../icons/guardduty.svg"),
    },
    KindInfo {
        kind: "gwlb",
        label: "Gateway Load Balancer",
        category: Category::Networking,
        service: "Elastic-Load-Balancing_Gateway-Load-Balancer",
        icon: include_str!("../icons/gwlb.svg"),
    },
    KindInfo {
        kind: "iam",
        label: "IAM",
        category: Category::Security,
        service: "AWS-Identity-and-Access-Management",
        icon: include_str!("../icons/iam.svg"),
    },
    KindInfo {
        kind: "iam-identity-center",
        label: "IAM Identity Center",
        category: Category::Security,
        service: "AWS-IAM-Identity-Center",
        icon: include_str!("../icons/iam-identity-center.svg"),
    },
    KindInfo {
        kind: "image-builder",
        label: "Image Builder",
        category: Category::Compute,
        service: "EC2-Image-Builder",
        icon: include_str!("../icons/image-builder.svg"),
    },
    KindInfo {
        kind: "inspector",
        label: "Inspector",
        category: Category::Security,
        service: "Amazon-Inspector",
        icon: include_str!("../icons/inspector.svg"),
    },
    KindInfo {
        kind: "internet",
        label: "Internet",
        category: Category::General,
        service: "Internet",
        icon: include_str!("../icons/internet.svg"),
    },
    KindInfo {
        kind: "internet-gateway",
        label: "Internet gateway",
        category: Category::Networking,
        service: "Amazon-VPC_Internet-Gateway",
        icon: include_str!("../icons/internet-gateway.svg"),
    },
    KindInfo {
        kind: "iot-core",
        label: "IoT Core",
        category: Category::Integration,
        service: "AWS-IoT-Core",
        icon: include_str!("../icons/iot-core.svg"),
    },
    KindInfo {
        kind: "iot-greengrass",
        label: "IoT Greengrass",
        category: Category::Integration,
        service: "AWS-IoT-Greengrass",
        icon: include_str!("../icons/iot-greengrass.svg"),
    },
    KindInfo {
        kind: "kendra",
        label: "Kendra",
        category: Category::Analytics,
        service: "Amazon-Kendra",
        icon: include_str!("../icons/kendra.svg"),
    },
    KindInfo {
        kind: "keyspaces",
        label: "Keyspaces",
        category: Category::Database,
        service: "Amazon-Keyspaces",
        icon: include_str!("../icons/keyspaces.svg"),
    },
    KindInfo {
        kind: "kinesis",
        label: "Kinesis",
        category: Category::Analytics,
        service: "Amazon-Kinesis",
        icon: include_str!("../icons/kinesis.svg"),
    },
    KindInfo {
        kind: "kinesis-video",
        label: "Kinesis Video Streams",
        category: Category::Analytics,
        service: "Amazon-Kinesis-Video-Streams",
        icon: include_str!("../icons/kinesis-video.svg"),
    },
    KindInfo {
        kind: "kms",
        label: "KMS",
        category: Category::Security,
        service: "AWS-Key-Management-Service",
        icon: include_str!("../icons/kms.svg"),
    },
    KindInfo {
        kind: "lake-formation",
        label: "Lake Formation",
        category: Category::Analytics,
        service: "AWS-Lake-Formation",
        icon: include_str!("../icons/lake-formation.svg"),
    },
    KindInfo {
        kind: "lambda",
        label: "Lambda",
        category: Category::Compute,
        service: "AWS-Lambda",
        icon: include_str!("../icons/lambda.svg"),
    },
    KindInfo {
        kind: "lex",
        label: "Lex",
        category: Category::Analytics,
        service: "Amazon-Lex",
        icon: include_str!("../icons/lex.svg"),
    },
    KindInfo {
        kind: "license-manager",
        label: "License Manager",
        category: Category::Management,
        service: "AWS-License-Manager",
        icon: include_str!("../icons/license-manager.svg"),
    },
    KindInfo {
        kind: "lightsail",
        label: "Lightsail",
        category: Category::Compute,
        service: "Amazon-Lightsail",
        icon: include_str!("../icons/lightsail.svg"),
    },
    KindInfo {
        kind: "macie",
        label: "Macie",
        category: Category::Security,
        service: "Amazon-Macie",
        icon: include_str!("../icons/macie.svg"),
    },
    KindInfo {
        kind: "managed-grafana",
        label: "Managed Grafana",
        category: Category::Management,
        service: "Amazon-Managed-Grafana",
        icon: include_str!("../icons/managed-grafana.svg"),
    },
    KindInfo {
        kind: "managed-prometheus",
        label: "Managed Prometheus",
        category: Category::Management,
        service: "Amazon-Managed-Service-for-Prometheus",
        icon: include_str!("../icons/managed-prometheus.svg"),
    },
    KindInfo {
        kind: "memorydb",
        label: "MemoryDB",
        category: Category::Database,
        service: "Amazon-MemoryDB",
        icon: include_str!("../icons/memorydb.svg"),
    },
    KindInfo {
        kind: "mobile",
        label: "Mobile client",
        category: Category::General,
        service: "Mobile-client",
        icon: include_str!("../icons/mobile.svg"),
    },
    KindInfo {
        kind: "mq",
        label: "Amazon MQ",
        category: Category::Integration,
        service: "Amazon-MQ",
        icon: include_str!("../icons/mq.svg"),
    },
    KindInfo {
        kind: "msk",
        label: "MSK",
        category: Category::Analytics,
        service: "Amazon-Managed-Streaming-for-Apache-Kafka",
        icon: include_str!("../icons/msk.svg"),
    },
    KindInfo {
        kind: "nat-gateway",
        label: "NAT gateway",
        category: Category::Networking,
        service: "Amazon-VPC_NAT-Gateway",
        icon: include_str!("../icons/nat-gateway.svg"),
    },
    KindInfo {
        kind: "neptune",
        label: "Neptune",
        category: Category::Database,
        service: "Amazon-Neptune",
        icon: include_str!("../icons/neptune.svg"),
    },
    KindInfo {
        kind: "network-acl",
        label: "Network ACL",
        category: Category::Networking,
        service: "Amazon-VPC_Network-Access-Control-List",
        icon: include_str!("../icons/network-acl.svg"),
    },
    KindInfo {
        kind: "network-firewall",
        label: "Network Firewall",
        category: Category::Security,
        service: "AWS-Network-Firewall",
        icon: include_str!("../icons/network-firewall.svg"),
    },
    KindInfo {
        kind: "nlb",
        label: "Network Load Balancer",
        category: Category::Networking,
        service: "Elastic-Load-Balancing_Network-Load-Balancer",
        icon: include_str!("../icons/nlb.svg"),
    },
    KindInfo {
        kind: "opensearch",
        label: "OpenSearch",
        category: Category::Analytics,
        service: "Amazon-OpenSearch-Service",
        icon: include_str!("../icons/opensearch.svg"),
    },
    KindInfo {
        kind: "organizations",
        label: "Organizations",
        category: Category::Management,
        service: "AWS-Organizations",
        icon: include_str!("../icons/organizations.svg"),
    },
    KindInfo {
        kind: "otel-collector",
        label: "OpenTelemetry collector",
        category: Category::Management,
        service: "AWS-Distro-for-OpenTelemetry",
        icon: include_str!("../icons/otel-collector.svg"),
    },
    KindInfo {
        kind: "outposts",
        label: "Outposts",
        category: Category::Compute,
        service: "AWS-Outposts-family",
        icon: include_str!("../icons/outposts.svg"),
    },
    KindInfo {
        kind: "personalize",
        label: "Personalize",
        category: Category::Analytics,
        service: "Amazon-Personalize",
        icon: include_str!("../icons/personalize.svg"),
    },
    KindInfo {
        kind: "pinpoint",
        label: "Pinpoint",
        category: Category::Integration,
        service: "Amazon-Pinpoint",
        icon: include_str!("../icons/pinpoint.svg"),
    },
    KindInfo {
        kind: "polly",
        label: "Polly",
        category: Category::Analytics,
        service: "Amazon-Polly",
        icon: include_str!("../icons/polly.svg"),
    },
    KindInfo {
        kind: "private-ca",
        label: "Private CA",
        category: Category::Security,
        service: "AWS-Private-Certificate-Authority",
        icon: include_str!("../icons/private-ca.svg"),
    },
    KindInfo {
        kind: "privatelink",
        label: "PrivateLink",
        category: Category::Networking,
        service: "AWS-PrivateLink",
        icon: include_str!("../icons/privatelink.svg"),
    },
    KindInfo {
        kind: "quicksight",
        label: "QuickSight",
        category: Category::Analytics,
        service: "Amazon-QuickSight",
        icon: include_str!("../icons/quicksight.svg"),
    },
    KindInfo {
        kind: "rds",
        label: "RDS",
        category: Category::Database,
        service: "Amazon-RDS",
        icon: include_str!("../icons/rds.svg"),
    },
    KindInfo {
        kind: "redshift",
        label: "Redshift",
        category: Category::Analytics,
        service: "Amazon-Redshift",
        icon: include_str!("../icons/redshift.svg"),
    },
    KindInfo {
        kind: "rekognition",
        label: "Rekognition",
        category: Category::Analytics,
        service: "Amazon-Rekognition",
        icon: include_str!("../icons/rekognition.svg"),
    },
    KindInfo {
        kind: "route-table",
        label: "Route table",
        category: Category::Networking,
        service: "Amazon-Route-53_Route-Table",
        icon: include_str!("../icons/route-table.svg"),
    },
    KindInfo {
        kind: "route53",
        label: "Route 53",
        category: Category::Networking,
        service: "Amazon-Route-53",
        icon: include_str!("../icons/route53.svg"),
    },
    KindInfo {
        kind: "route53-resolver",
        label: "Route 53 Resolver",
        category: Category::Networking,
        service: "Amazon-Route-53_Resolver",
        icon: include_str!("../icons/route53-resolver.svg"),
    },
    KindInfo {
        kind: "s3",
        label: "S3",
        category: Category::Storage,
        service: "Amazon-Simple-Storage-Service",
        icon: include_str!("../icons/s3.svg"),
    },
    KindInfo {
        kind: "sagemaker",
        label: "SageMaker",
        category: Category::Analytics,
        service: "Amazon-SageMaker",
        icon: include_str!("../icons/sagemaker.svg"),
    },
    KindInfo {
        kind: "secrets-manager",
        label: "Secrets Manager",
        category: Category::Security,
        service: "AWS-Secrets-Manager",
        icon: include_str!("../icons/secrets-manager.svg"),
    },
    KindInfo {
        kind: "security-hub",
        label: "Security Hub",
        category: Category::Security,
        service: "AWS-Security-Hub",
        icon: include_str!("../icons/security-hub.svg"),
    },
    KindInfo {
        kind: "server",
        label: "Server",
        category: Category::General,
        service: "Server",
        icon: include_str!("../icons/server.svg"),
    },
    KindInfo {
        kind: "service-catalog",
        label: "Service Catalog",
        category: Category::Management,
        service: "AWS-Service-Catalog",
        icon: include_str!("../icons/service-catalog.svg"),
    },
    KindInfo {
        kind: "ses",
        label: "SES",
        category: Category::Integration,
        service: "Amazon-Simple-Email-Service",
        icon: include_str!("../icons/ses.svg"),
    },
    KindInfo {
        kind: "shield",
        label: "Shield",
        category: Category::Security,
        service: "AWS-Shield",
        icon: include_str!("../icons/shield.svg"),
    },
    KindInfo {
        kind: "sns",
        label: "SNS",
        category: Category::Integration,
        service: "Amazon-Simple-Notification-Service",
        icon: include_str!("../icons/sns.svg"),
    },
    KindInfo {
        kind: "sqs",
        label: "SQS",
        category: Category::Integration,
        service: "Amazon-Simple-Queue-Service",
        icon: include_str!("../icons/sqs.svg"),
    },
    KindInfo {
        kind: "step-functions",
        label: "Step Functions",
        category: Category::Integration,
        service: "AWS-Step-Functions",
        icon: include_str!("../icons/step-functions.svg"),
    },
    KindInfo {
        kind: "storage-gateway",
        label: "Storage Gateway",
        category: Category::Storage,
        service: "AWS-Storage-Gateway",
        icon: include_str!("../icons/storage-gateway.svg"),
    },
    KindInfo {
        kind: "systems-manager",
        label: "Systems Manager",
        category: Category::Management,
        service: "AWS-Systems-Manager",
        icon: include_str!("../icons/systems-manager.svg"),
    },
    KindInfo {
        kind: "textract",
        label: "Textract",
        category: Category::Analytics,
        service: "Amazon-Textract",
        icon: include_str!("../icons/textract.svg"),
    },
    KindInfo {
        kind: "timestream",
        label: "Timestream",
        category: Category::Database,
        service: "Amazon-Timestream",
        icon: include_str!("../icons/timestream.svg"),
    },
    KindInfo {
        kind: "transfer-family",
        label: "Transfer Family",
        category: Category::Storage,
        service: "AWS-Transfer-Family",
        icon: include_str!("../icons/transfer-family.svg"),
    },
    KindInfo {
        kind: "transit-gateway",
        label: "Transit gateway",
        category: Category::Networking,
        service: "AWS-Transit-Gateway",
        icon: include_str!("../icons/transit-gateway.svg"),
    },
    KindInfo {
        kind: "translate",
        label: "Translate",
        category: Category::Analytics,
        service: "Amazon-Translate",
        icon: include_str!("../icons/translate.svg"),
    },
    KindInfo {
        kind: "trusted-advisor",
        label: "Trusted Advisor",
        category: Category::Management,
        service: "AWS-Trusted-Advisor",
        icon: include_str!("../icons/trusted-advisor.svg"),
    },
    KindInfo {
        kind: "user",
        label: "User",
        category: Category::General,
        service: "User",
        icon: include_str!("../icons/user.svg"),
    },
    KindInfo {
        kind: "users",
        label: "Users",
        category: Category::General,
        service: "Users",
        icon: include_str!("../icons/users.svg"),
    },
    KindInfo {
        kind: "verified-access",
        label: "Verified Access",
        category: Category::Networking,
        service: "AWS-Verified-Access",
        icon: include_str!("../icons/verified-access.svg"),
    },
    KindInfo {
        kind: "vpc-endpoint",
        label: "VPC endpoint",
        category: Category::Networking,
        service: "Amazon-VPC_Endpoints",
        icon: include_str!("../icons/vpc-endpoint.svg"),
    },
    KindInfo {
        kind: "vpc-peering",
        label: "VPC peering",
        category: Category::Networking,
        service: "Amazon-VPC_Peering-Connection",
        icon: include_str!("../icons/vpc-peering.svg"),
    },
    KindInfo {
        kind: "vpn-gateway",
        label: "VPN gateway",
        category: Category::Networking,
        service: "Amazon-VPC_VPN-Gateway",
        icon: include_str!("../icons/vpn-gateway.svg"),
    },
    KindInfo {
        kind: "waf",
        label: "WAF",
        category: Category::Security,
        service: "AWS-WAF",
        icon: include_str!("../icons/waf.svg"),
    },
    KindInfo {
        kind: "workspaces",
        label: "WorkSpaces",
        category: Category::Compute,
        service: "Amazon-WorkSpaces-Family",
        icon: include_str!("../icons/workspaces.svg"),
    },
    KindInfo {
        kind: "x-ray",
        label: "X-Ray",
        category: Category::DevTools,
        service: "AWS-X-Ray",
        icon: include_str!("../icons/x-ray.svg"),
    },
];

/// Group-frame header icons by name ("aws-cloud", "region", "vpc", "public-subnet",
/// "private-subnet", "isolated-subnet", "security-group", "auto-scaling-group", "account",
/// "data-center", "ecs-cluster", "ecs-service", "ecs-task", "eks-cluster", "organization",
/// "organizational-unit", "generic").
pub static GROUP_ICONS: &[(&str, &str)] = &[
    ("aws-cloud", include_str!("../icons/group-aws-cloud.svg")),
    ("region", include_str!("../icons/group-region.svg")),
    ("vpc", include_str!("../icons/group-vpc.svg")),
    (
        "public-subnet",
        include_str!("../icons/group-public-subnet.svg"),
    ),
    (
        "private-subnet",
        include_str!("../icons/group-private-subnet.svg"),
    ),
    (
        "isolated-subnet",
        include_str!("../icons/group-isolated-subnet.svg"),
    ),
    (
        "security-group",
        include_str!("../icons/group-security-group.svg"),
    ),
    (
        "auto-scaling-group",
        include_str!("../icons/group-auto-scaling-group.svg"),
    ),
    ("account", include_str!("../icons/group-account.svg")),
    (
        "data-center",
        include_str!("../icons/group-data-center.svg"),
    ),
    (
        "ecs-cluster",
        include_str!("../icons/group-ecs-cluster.svg"),
    ),
    (
        "ecs-service",
        include_str!("../icons/group-ecs-service.svg"),
    ),
    ("ecs-task", include_str!("../icons/group-ecs-task.svg")),
    (
        "eks-cluster",
        include_str!("../icons/group-eks-cluster.svg"),
    ),
    (
        "organization",
        include_str!("../icons/group-organization.svg"),
    ),
    (
        "organizational-unit",
        include_str!("../icons/group-organizational-unit.svg"),
    ),
    ("generic", include_str!("../icons/group-generic.svg")),
];

/// The catalogue entry for `kind` (exact match).
pub fn lookup(kind: &str) -> Option<&'static KindInfo> {
    KINDS
        .binary_search_by(|k| k.kind.cmp(kind))
        .ok()
        .map(|i| &KINDS[i])
}

/// The header icon of a group frame, by name (see [`GROUP_ICONS`]).
pub fn group_icon(name: &str) -> Option<&'static str> {
    GROUP_ICONS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, svg)| *svg)
}

/// Closest known kind names for a "did you mean" hint (edit distance ≤ 2 or
/// prefix/substring), best first, at most 3.
pub fn suggest(kind: &str) -> Vec<&'static str> {
    suggest_from(kind, KINDS.iter().map(|k| k.kind))
}

/// Generic "did you mean" helper: the candidates closest to `word`, best first, at most 3.
///
/// Comparison is case-insensitive. A candidate qualifies when its Levenshtein distance to
/// `word` is at most 2 (an adjacent transposition counts as one edit; the limit is 1 for
/// words of three characters or fewer, so that very short words do not match everything),
/// or when one of the two is a prefix or substring of the other (only for words of at least
/// two characters). Close edits rank first, then
/// prefixes, then substrings; ties go to the smaller distance, then alphabetical order.
/// Duplicate candidates are reported once.
pub fn suggest_from<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let w = word.trim().to_lowercase();
    if w.is_empty() {
        return Vec::new();
    }
    let wlen = w.chars().count();
    let max_dist = if wlen <= 3 { 1 } else { 2 };
    let mut scored: Vec<(u8, usize, &'a str)> = Vec::new();
    for cand in candidates {
        if scored.iter().any(|&(_, _, c)| c == cand) {
            continue;
        }
        let c = cand.to_lowercase();
        let d = levenshtein(&w, &c);
        let class = if d <= max_dist {
            0
        } else if wlen >= 2 && (c.starts_with(&w) || w.starts_with(&c)) {
            1
        } else if wlen >= 2 && (c.contains(&w) || (c.chars().count() >= 3 && w.contains(&c))) {
            2
        } else {
            continue;
        };
        scored.push((class, d, cand));
    }
    scored.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
    scored.into_iter().take(3).map(|(_, _, c)| c).collect()
}

/// Edit distance between two strings, by characters: Levenshtein (insert, delete,
/// substitute) plus transposition of two adjacent characters as one edit
/// (optimal-string-alignment distance), so that "wbe" is one edit from "web".
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    // d[i][j] = distance between a[..i] and b[..j], stored row-major.
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        d[i * width] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * width + j - 1] + cost)
                .min(d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = v;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALLOWED: &[&str] = &[
        "svg", "rect", "circle", "ellipse", "path", "line", "polyline", "polygon", "g",
    ];

    /// Minimal structural check of one embedded icon; returns a description of the problem.
    fn check_icon(svg: &str) -> Result<(), String> {
        if !svg.starts_with("<svg") {
            return Err("does not start with <svg".into());
        }
        if !svg.contains(r#"viewBox="0 0 48 48""#) {
            return Err("viewBox is not 0 0 48 48".into());
        }
        if svg.len() >= 1500 {
            return Err(format!("too large ({} bytes)", svg.len()));
        }
        let lower = svg.to_lowercase();
        for bad in [
            "<script", "<text", "<style", "<image", "<use", "<defs", "gradient", "href", "url(",
            " id=", "font", "<!", "<?",
        ] {
            if lower.contains(bad) {
                return Err(format!("contains forbidden `{bad}`"));
            }
        }
        // Balanced angle brackets, and every tag is an allowed element, properly nested.
        let mut stack: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(open) = rest.find('<') {
            if rest[..open].contains('>') {
                return Err("stray `>`".into());
            }
            let after = &rest[open + 1..];
            let close = after.find('>').ok_or("unclosed `<`")?;
            let tag = &after[..close];
            if tag.contains('<') {
                return Err("`<` inside a tag".into());
            }
            if let Some(name) = tag.strip_prefix('/') {
                let name = name.trim();
                if stack.pop().as_deref() != Some(name) {
                    return Err(format!("mismatched </{name}>"));
                }
            } else {
                let name: String = tag
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if !ALLOWED.contains(&name.as_str()) {
                    return Err(format!("element <{name}> not allowed"));
                }
                if tag.matches('"').count() % 2 == 1 {
                    return Err(format!("unbalanced quotes in <{name}>"));
                }
                if !tag.ends_with('/') {
                    stack.push(name);
                }
            }
            rest = &after[close + 1..];
        }
        if rest.contains('>') {
            return Err("stray `>` at end".into());
        }
        if !stack.is_empty() {
            return Err(format!("unclosed elements {stack:?}"));
        }
        Ok(())
    }

    #[test]
    fn every_kind_has_a_valid_icon() {
        for k in KINDS {
            check_icon(k.icon).unwrap_or_else(|e| panic!("icon of {}: {e}", k.kind));
            assert!(
                k.icon
                    .contains(&format!(r#"fill="{}""#, k.category.colour())),
                "icon of {} is not in its category colour {}",
                k.kind,
                k.category.colour()
            );
            assert!(!k.label.is_empty() && !k.service.is_empty(), "{}", k.kind);
        }
    }

    #[test]
    fn the_catalogue_has_150_kinds_with_these_names() {
        assert!(KINDS.len() >= 150, "{} kinds", KINDS.len());
        for k in [
            "efs",
            "fsx",
            "direct-connect",
            "direct-connect-gateway",
            "network-firewall",
            "eni",
            "privatelink",
            "vpc-peering",
            "global-accelerator",
            "guardduty",
            "security-hub",
            "config",
            "organizations",
            "control-tower",
            "directory-service",
            "route53-resolver",
            "iam-identity-center",
            "elastic-beanstalk",
            "app-runner",
            "batch",
            "lightsail",
            "redshift",
            "athena",
            "glue",
            "emr",
            "opensearch",
            "msk",
            "firehose",
            "ses",
            "appsync",
            "amplify",
            "backup",
            "systems-manager",
            "cloudhsm",
            "inspector",
            "macie",
            "detective",
            "firewall-manager",
            "transfer-family",
            "datasync",
            "storage-gateway",
            "sagemaker",
            "bedrock",
            "quicksight",
            "mq",
            "managed-grafana",
            "managed-prometheus",
            "cloudwatch-logs",
            "eks-node-group",
        ] {
            assert!(lookup(k).is_some(), "no kind `{k}`");
        }
        for g in ["eks-cluster", "organization", "organizational-unit"] {
            assert!(group_icon(g).is_some(), "no group icon `{g}`");
        }
        // No two kinds share an icon drawing.
        let mut icons: Vec<&str> = KINDS.iter().map(|k| k.icon).collect();
        icons.sort_unstable();
        icons.dedup();
        assert_eq!(icons.len(), KINDS.len(), "two kinds have the same icon");
    }

    #[test]
    fn every_group_icon_is_valid() {
        assert_eq!(GROUP_ICONS.len(), 17);
        for (name, svg) in GROUP_ICONS {
            check_icon(svg).unwrap_or_else(|e| panic!("group icon {name}: {e}"));
        }
        assert!(group_icon("vpc").is_some());
        assert!(group_icon("private-subnet").unwrap().contains("#00A4A6"));
        assert!(group_icon("nope").is_none());
    }

    #[test]
    fn icon_checker_rejects_bad_svg() {
        let good = r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><rect width="48" height="48"/></svg>"#;
        assert!(check_icon(good).is_ok());
        assert!(check_icon(&good.replace("<rect", "<text")).is_err());
        assert!(check_icon(&good.replace("/>", ">")).is_err());
        assert!(check_icon(&good.replace("</svg>", "</svg")).is_err());
        assert!(check_icon(&good.replace("<rect", "<script")).is_err());
    }

    #[test]
    fn kinds_sorted_and_unique() {
        for pair in KINDS.windows(2) {
            assert!(
                pair[0].kind < pair[1].kind,
                "{} before {}",
                pair[0].kind,
                pair[1].kind
            );
        }
        for k in KINDS {
            assert!(
                k.kind
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                k.kind
            );
        }
    }

    #[test]
    fn lookup_finds_every_kind() {
        for k in KINDS {
            assert_eq!(lookup(k.kind).unwrap().kind, k.kind);
        }
        assert_eq!(lookup("nat-gateway").unwrap().label, "NAT gateway");
        assert_eq!(lookup("lambda").unwrap().category, Category::Compute);
        assert!(lookup("NAT-gateway").is_none());
        assert!(lookup("").is_none());
    }

    #[test]
    fn category_colours() {
        assert_eq!(Category::Compute.colour(), "#ED7100");
        assert_eq!(Category::Networking.colour(), "#8C4FFF");
        assert_eq!(Category::General.name(), "General");
    }

    #[test]
    fn suggest_kinds() {
        assert!(suggest("nat-gatway").contains(&"nat-gateway"));
        assert_eq!(suggest("nat-gatway")[0], "nat-gateway");
        assert_eq!(suggest("lamda"), vec!["lambda"]);
        assert_eq!(suggest("NAT-Gateway")[0], "nat-gateway");
        assert!(suggest("fargate").contains(&"fargate-task"));
        assert!(suggest("gateway").len() <= 3);
        assert!(suggest("xyzzyplugh").is_empty());
        assert!(suggest("").is_empty());
    }

    #[test]
    fn suggest_from_works() {
        let ids = ["web", "web-1", "database", "db", "cache"];
        assert_eq!(suggest_from("wbe", ids), vec!["web"]);
        assert_eq!(suggest_from("databse", ids), vec!["database"]);
        assert_eq!(suggest_from("cach", ids), vec!["cache"]);
        assert_eq!(suggest_from("data", ids), vec!["database"]);
        assert!(suggest_from("zzz", ids).is_empty());
        // duplicates reported once, at most three results
        assert_eq!(
            suggest_from("ab", ["ab", "ab", "abc", "abd", "abe"]).len(),
            3
        );
        assert_eq!(suggest_from("ab", ["ab", "ab"]), vec!["ab"]);
        // owned candidates work too
        let owned = [String::from("label"), String::from("kind")];
        assert_eq!(
            suggest_from("lable", owned.iter().map(|s| s.as_str())),
            vec!["label"]
        );
    }

    #[test]
    fn levenshtein_distances() {
        assert_eq!(levenshtein("", ""), 0);
        assert_eq!(levenshtein("abc", ""), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("nat-gatway", "nat-gateway"), 1);
        assert_eq!(levenshtein("wbe", "web"), 1);
        assert_eq!(levenshtein("ab", "ba"), 1);
    }
}
