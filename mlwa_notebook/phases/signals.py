"""The signals that say which lifecycle phase a cell serves, as data.

Each row reads: a cell that shows this pattern leans to this phase by this weight. The classifier
adds the weights of the rows that match (each row once per cell); no row knows any other. Rows
name what ML code calls and on what, in the libraries and cloud SDKs people use; they never quote a
particular notebook.

Kinds of pattern (``Signal.kind``):

- ``call``: a callee. The pattern is its last name (``fit``) or its last two (``Endpoint.create``);
  ``module`` narrows it to callees that resolve, through the notebook's imports, under a module
  prefix (``sklearn.metrics``).
- ``kwarg``: a keyword argument of any call, ``name`` or ``name=regex`` on a string value.
- ``attr``: an attribute read anywhere in a dotted expression (``feature_importances_``).
- ``import``: a module imported by the cell (prefix match).
- ``shell``: a regular expression on a shell command or line magic (``pip install``).
- ``magic``: a cell magic (``bigquery``).
- ``string``: a regular expression on the string literals of the cell.
- ``name``: a word inside a name the cell binds (``endpoint`` in ``xgb_endpoint``).
- ``callee``: a regular expression on the last name of any callee (``AutoMLJobChannel``).
- ``chain``: a regular expression on the whole dotted callee (``spark.read.format().load``).
- ``receiver``: ``word:method,…``, a method called on a name that holds the word.
- ``upload``: an upload call (by last name) whose arguments name a split (``train``, ``test``):
  uploading prepared splits rather than raw data.
- ``comment``: a regular expression on a cell that holds only comments.
- ``source``: a regular expression on the text of a cell in another language (``%%html``).
- ``heading`` / ``text``: a regular expression on a markdown heading / on markdown prose.

Besides rows, the module holds the small vocabularies the flow analysis uses (what predicts, what
scores, which names hold held-out data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlwa_notebook.vocabulary import Phase

# Short names for the phases (mlwa_notebook.vocabulary), for the dense tables below.
BG, PF = Phase.BUSINESS_GOAL, Phase.PROBLEM_FRAMING
DC, DP, FE = Phase.DATA_COLLECTION, Phase.DATA_PREPROCESSING, Phase.FEATURE_ENGINEERING
TR, TU, EV = Phase.MODEL_TRAINING, Phase.MODEL_TUNING, Phase.MODEL_EVALUATION
DE, MO, SE, OT = Phase.DEPLOYMENT, Phase.MONITORING, Phase.SETUP, Phase.OTHER


@dataclass(frozen=True, slots=True)
class Signal:
    """One pattern and the phase it points to."""

    kind: str
    pattern: str
    phase: str
    weight: float
    module: str = ""  # for ``call``: the resolved callee must start with this (empty: any)
    group: str = ""  # rows written together: one piece of evidence, counted once per cell


def _rows(kind: str, phase: str, weight: float, patterns: str, module: str = "") -> list[Signal]:
    names = patterns.split()
    group = f"{kind}:{phase}:{module}:{names[0]}"
    return [Signal(kind, p, phase, weight, module, group) for p in names]


def _calls(phase: str, weight: float, names: str, module: str = "") -> list[Signal]:
    return _rows("call", phase, weight, names, module)


def _re(kind: str, phase: str, weight: float, *patterns: str) -> list[Signal]:
    return [Signal(kind, p, phase, weight, "", f"{kind}:{phase}:{patterns[0]}") for p in patterns]


# --- setup: environment, sessions, clients, installs, generic infrastructure -------------------
_SETUP = (
    _calls(
        SE,
        1.0,
        "Session get_execution_role default_bucket resource set_option filterwarnings "
        "basicConfig getLogger seed_everything set_seed get_caller_identity version "
        "authenticate_user do_shutdown describe_domain describe_space describe_user_profile "
        "list_mlflow_apps create_mlflow_app describe_mlflow_app set_tracking_uri set_experiment "
        "create_experiment Experiment get_experiment_by_name create_bucket Bucket.create "
        "delete_bucket Tensorboard.create create_tensorboard check_output",
    )
    + _calls(SE, 0.8, "client Client")
    + _calls(SE, 1.5, "getOrCreate SparkSession SparkContext")
    + _calls(SE, 1.5, "init", "google.cloud.aiplatform")
    + _calls(SE, 1.5, "init", "vertexai")
    + _calls(SE, 1.5, "Session get_execution_role", "sagemaker")
    + _calls(
        SE,
        2.5,
        "delete_domain delete_space delete_user_profile delete_app delete_project "
        "delete_repository delete_mlflow_app delete_mlflow_tracking_server delete_experiment "
        "Experiment.delete",
    )
    + _re(
        "shell",
        SE,
        3.0,
        r"^(pip|pip3|conda|mamba|uv|apt-get|apt|yum|brew|sudo)\b.*\binstall\b",
        r"^(python3? -m )?pip3? (install|uninstall|freeze|list|show)\b",
    )
    + _re(
        "shell",
        SE,
        2.5,
        r"^(gcloud (config|auth|services|projects|iam)|gsutil mb|aws configure|aws sts)",
        r"^(gcloud storage buckets create|gsutil (-m )?rm|gcloud storage rm|aws s3 (rb|mb|rm))",
        r"^(store|load_ext|reload_ext|autoreload|env|config|set_env)\b",
    )
    + _re("shell", SE, 1.0, r"^(matplotlib|pylab)\b", r"^(export|source|cd)\b")
    + _re(
        "comment",
        SE,
        3.0,
        r"^\s*#+\s*[%!]?\s*(pip3?|conda|uv pip|apt-get)\s+install",
        r"restart (the )?kernel|do_shutdown",
    )
    + _re("source", SE, 3.0, r"shutdown|restart the kernel", r"^\s*%%(capture|html)\s*$")
    + _re(
        "comment",
        SE,
        2.5,
        r"\bbucket\b.*\.delete\(|\.objects\.\w+\(.*\.delete\(|delete_bucket|(gsutil|storage) rm",
    )
    + _re("kwarg", SE, 1.0, "experiment", "staging_bucket")
)

# --- data collection: obtaining raw data ---------------------------------------------------------
_COLLECTION = (
    _calls(
        DC,
        2.5,
        "read_csv read_parquet read_json read_excel read_sql read_sql_query read_sql_table "
        "read_table read_feather read_orc read_hdf read_gbq read_fwf load_dataset urlretrieve "
        "download_file download_fileobj get_object download_from_uri fetch_openml get_file "
        "loadtxt genfromtxt load_table_from_uri load_table_from_dataframe read_pandas "
        "TabularDataset.create ImageDataset.create TextDataset.create VideoDataset.create "
        "TimeSeriesDataset.create TabularDataset ImageDataset",
    )
    + _calls(DC, 2.0, "load", "numpy")
    + _calls(DC, 2.0, "load", "tensorflow_datasets")
    + _calls(DC, 2.0, "load", "datasets")
    + _calls(
        DC,
        2.5,
        "load_iris load_wine load_breast_cancer load_diabetes load_digits load_linnerud "
        "fetch_california_housing fetch_20newsgroups fetch_covtype fetch_kddcup99 "
        "fetch_lfw_people make_classification make_regression make_blobs make_moons",
        "sklearn.datasets",
    )
    + _calls(DC, 2.5, "load_data", "tensorflow")
    + _calls(DC, 2.5, "load_data", "keras")
    + _calls(DC, 2.0, "query to_dataframe", "google.cloud.bigquery")
    + _calls(DC, 1.5, "query to_dataframe")
    + _calls(DC, 1.2, "list_rows")
    + _calls(DC, 1.5, "get", "requests")
    + _calls(DC, 2.0, "S3Downloader.download S3Downloader.read_file", "sagemaker")
    + _calls(DC, 2.0, "csv parquet jdbc", "pyspark")
    + _re("chain", DC, 2.5, r"\bread(Stream)?\b.*\.(load|csv|parquet|json|table|orc|jdbc)$")
    + _re(
        "shell",
        DC,
        2.5,
        r"^(wget|curl)\b",
        r"^kaggle (datasets|competitions) download",
        r"^(dvc (pull|get|import)|git lfs pull)",
    )
    + _re(
        "shell",
        DC,
        2.0,
        r"^(aws\b.*\bs3 (cp|sync)|gsutil (-m )?cp|gcloud storage cp)\s+(-\S+\s+)*\S*(s3|gs|https?)://",
    )
    + _re("string", DC, 1.0, r"\.(csv|tsv|parquet|jsonl|npy|npz|xlsx?|data|arff)$")
    + _calls(
        DC,
        1.5,
        "upload_data upload_file upload_fileobj put_object S3Uploader.upload upload_from_filename",
    )
    + _rows(
        "upload",
        DP,
        3.0,
        "upload_data upload_file upload_fileobj put_object S3Uploader.upload upload_from_filename",
    )
    + _re(
        "shell",
        DP,
        2.5,
        r"^(aws s3 (cp|sync)|gsutil (-m )?cp|gcloud storage cp)\s.*\b(train|test|valid|validation)"
        r"(_\w+)?\.(csv|parquet|jsonl?|npy|npz|txt|tfrecords?)\s+\S*(s3|gs)://",
    )
    + _re("shell", DC, 1.5, r"^(unzip|tar|gunzip)\b")
    + _re("magic", DC, 3.0, "bigquery", "sql", "athena")
    + _re("name", DC, 0.5, "dataset", "raw")
)

# --- data preprocessing: cleaning, EDA, plots, encoding, scaling, splitting ---------------------
_PREPROCESSING = (
    _calls(
        DP,
        2.0,
        "dropna fillna drop_duplicates isnull isna notnull astype get_dummies describe "
        "value_counts info corr hist boxplot pairplot heatmap countplot histplot scatter_matrix "
        "crosstab groupby merge concat rename drop nunique unique select_dtypes interpolate "
        "to_categorical clip",
    )
    + _calls(DP, 3.0, "train_test_split", "sklearn")
    + _calls(DP, 3.0, "random_split", "torch")
    + _calls(DP, 3.0, "randomSplit")
    + _calls(
        DP,
        2.5,
        "StandardScaler MinMaxScaler RobustScaler MaxAbsScaler Normalizer OneHotEncoder "
        "LabelEncoder OrdinalEncoder LabelBinarizer SimpleImputer KNNImputer IterativeImputer "
        "ColumnTransformer",
        "sklearn",
    )
    + _calls(DP, 2.0, "StringIndexer OneHotEncoder Imputer StandardScaler MinMaxScaler", "pyspark")
    + _calls(DP, 2.0, "fit_transform", "")
    + _calls(DP, 1.5, "transform", "sklearn")
    + _calls(DP, 2.0, "split array_split", "numpy")
    + _calls(DP, 1.5, "sample shuffle")
    + _calls(
        DP,
        2.0,
        "generate_statistics_from_csv generate_statistics_from_dataframe infer_schema "
        "visualize_statistics display_schema",
        "tensorflow_data_validation",
    )
    + _calls(DP, 2.5, "ExpectationSuite expect_column_values_to_not_be_null", "great_expectations")
    + _calls(DP, 1.0, "to_csv to_parquet head tail plot scatter bar subplots imshow")
    + _re("import", DP, 1.0, "great_expectations", "seaborn", "ydata_profiling", "pandas_profiling")
)

# --- feature engineering: creating, selecting, storing features --------------------------------
_FEATURES = (
    _calls(
        FE,
        3.0,
        "PCA TruncatedSVD SelectKBest SelectFromModel RFE RFECV PolynomialFeatures FeatureHasher "
        "TfidfVectorizer CountVectorizer HashingVectorizer mutual_info_classif "
        "mutual_info_regression VarianceThreshold KBinsDiscretizer SplineTransformer",
        "sklearn",
    )
    + _calls(
        FE,
        3.0,
        "FeatureGroup FeatureDefinition FeatureStore load_feature_definitions ingest put_record "
        "get_record batch_get_record athena_query create_feature_group describe_feature_group "
        "delete_feature_group list_feature_groups update_feature_group create_dataset "
        "Featurestore EntityType create_entity_type create_featurestore FeatureOnlineStore "
        "FeatureView ingest_from_df batch_serve_to_df read_feature_values "
        "get_historical_features get_online_features materialize",
    )
    + _calls(
        FE, 2.5, "VectorAssembler Bucketizer QuantileDiscretizer Tokenizer HashingTF", "pyspark"
    )
    + _calls(FE, 2.0, "cut qcut", "pandas")
    + _calls(FE, 1.5, "withColumn")
    + _calls(FE, 2.0, "OnlineStoreConfig OfflineStoreConfig S3StorageConfig as_dataframe")
    + _calls(FE, 2.5, "where", "numpy")
    + _calls(
        FE,
        2.5,
        "SKLearnProcessor ScriptProcessor FrameworkProcessor PySparkProcessor Processor "
        "ProcessingInput ProcessingOutput",
        "sagemaker",
    )
    + _calls(FE, 2.0, "extract_features dfs")
    + _re("string", FE, 2.0, r"featurestore-runtime|feature[-_ ]?store|offline[-_ ]store")
    + _re(
        "kwarg", FE, 1.5, "feature_group_name", "record_identifier_name", "event_time_feature_name"
    )
    + _re("name", FE, 1.0, "feature_group", "featurestore", "feature_store")
)

# --- model training: defining models and estimators, fitting, tracking runs ---------------------
_TRAINING = (
    _calls(TR, 3.0, "fit partial_fit fit_generator train_on_batch")
    + _calls(TR, 2.5, "train")
    + _calls(
        TR,
        2.5,
        "Estimator XGBoost SKLearn TensorFlow PyTorch HuggingFace MXNet Framework "
        "JumpStartEstimator ModelTrainer from_jumpstart_config from_recipe create_training_job "
        "describe_training_job TrainingJob.create",
    )
    + _calls(
        TR, 1.5, "SourceCode Compute InputData OutputDataConfig StoppingCondition", "sagemaker"
    )
    + _calls(TR, 1.0, "retrieve", "sagemaker")
    + _calls(
        TR,
        2.5,
        "CustomTrainingJob CustomJob CustomContainerTrainingJob CustomPythonPackageTrainingJob "
        "from_local_script",
        "google.cloud.aiplatform",
    )
    + _calls(
        TR,
        2.0,
        "compile Sequential Model Dense Conv2D Conv1D LSTM GRU Dropout Embedding Flatten "
        "MaxPooling2D add summary",
        "tensorflow",
    )
    + _calls(
        TR,
        2.0,
        "compile Sequential Model Dense Conv2D Conv1D LSTM GRU Dropout Embedding Flatten",
        "keras",
    )
    + _calls(TR, 2.0, "EarlyStopping ModelCheckpoint TensorBoard", "tensorflow")
    + _calls(TR, 2.0, "EarlyStopping ModelCheckpoint TensorBoard", "keras")
    + _calls(
        TR,
        2.0,
        "LogisticRegression LinearRegression RandomForestClassifier RandomForestRegressor "
        "GradientBoostingClassifier GradientBoostingRegressor DecisionTreeClassifier "
        "DecisionTreeRegressor SVC SVR KMeans Ridge Lasso ElasticNet MLPClassifier MLPRegressor "
        "HistGradientBoostingClassifier HistGradientBoostingRegressor ExtraTreesClassifier "
        "KNeighborsClassifier GaussianNB AdaBoostClassifier Pipeline",
        "sklearn",
    )
    + _calls(TR, 2.0, "XGBClassifier XGBRegressor XGBRanker DMatrix", "xgboost")
    + _calls(TR, 2.0, "LGBMClassifier LGBMRegressor Dataset", "lightgbm")
    + _calls(TR, 2.0, "CatBoostClassifier CatBoostRegressor", "catboost")
    + _calls(TR, 2.0, "ALS LogisticRegression RandomForestClassifier GBTClassifier", "pyspark")
    + _calls(TR, 1.5, "backward zero_grad", "")
    + _calls(TR, 1.5, "Adam SGD CrossEntropyLoss MSELoss", "torch")
    + _calls(
        TR,
        1.5,
        "log_param log_params log_metric log_metrics start_run autolog log_input end_run "
        "log_artifact log_artifacts set_tag set_tags",
        "mlflow",
    )
    + _calls(
        TR,
        1.5,
        "start_run log_params log_metrics log_time_series_metrics end_run autolog",
        "google.cloud.aiplatform",
    )
    + _calls(TR, 1.5, "set_hyperparameters")
    + _re("kwarg", TR, 1.0, "hyperparameters", "entry_point", "entry_script", "training_image")
    + _re("kwarg", TR, 1.5, "image_scope=^train")
    + _re("string", TR, 1.0, r"vertex-ai/training/|/training/")
    + _re("name", TR, 0.8, "trainer", "estimator", "training")
    + _re("magic", TR, 2.0, "tensorboard")
    + _re("shell", TR, 2.0, r"^tensorboard\b", r"^tb-gcp-uploader\b", r"^gcloud ai custom-jobs")
    + _calls(TR, 2.0, "create_file_writer upload_tb_log start_upload_tb_log", "")
)

# --- model tuning: hyperparameter search, cross-validated search, AutoML --------------------------
_TUNING = (
    _calls(
        TU,
        3.5,
        "GridSearchCV RandomizedSearchCV HalvingGridSearchCV HalvingRandomSearchCV BayesSearchCV "
        "HyperparameterTuner ContinuousParameter IntegerParameter "
        "CategoricalParameter create_hyper_parameter_tuning_job "
        "describe_hyper_parameter_tuning_job list_training_jobs_for_hyper_parameter_tuning_job "
        "HyperparameterTuningJob DoubleParameterSpec IntegerParameterSpec "
        "CategoricalParameterSpec DiscreteParameterSpec AutoML AutoMLV2 AutoMLJobV2 "
        "AutoMLJobV2.create create_auto_ml_job create_auto_ml_job_v2 describe_auto_ml_job "
        "describe_auto_ml_job_v2 list_candidates_for_auto_ml_job AutoMLTabularTrainingJob "
        "AutoMLImageTrainingJob AutoMLTextTrainingJob AutoMLForecastingTrainingJob "
        "AutoMLVideoTrainingJob create_study CrossValidator ParamGridBuilder "
        "TrainValidationSplit best_training_job RandomSearch Hyperband BayesianOptimization "
        "fmin TabularPredictor",
    )
    + _calls(TU, 3.0, "validation_curve ValidationCurveDisplay", "sklearn")
    + _calls(TU, 2.5, "optimize suggest_float suggest_int suggest_categorical", "optuna")
    + _calls(TU, 3.0, "HyperTune report_hyperparameter_tuning_metric")
    + _re("shell", TU, 3.0, r"^gcloud ai hp-tuning-jobs")
    + _calls(TU, 2.5, "Tuner TuneConfig run", "ray.tune")
    + _re(
        "attr",
        TU,
        2.5,
        "best_params_",
        "best_score_",
        "best_estimator_",
        "cv_results_",
        "best_candidate",
        "auto_ml_job_artifacts",
        "best_trial",
        "bestModel",
        "avgMetrics",
        "trials",
    )
    + _re("kwarg", TU, 2.0, "hyperparameter_ranges", "parameter_spec", "param_grid", "max_trials")
    + _re("name", TU, 1.0, "tuner", "tuning", "hpt", "automl", "sweep")
)

# --- model evaluation: metrics on held-out data, explainability, bias ---------------------------
_EVALUATION = (
    _calls(
        EV,
        3.0,
        "accuracy_score f1_score precision_score recall_score roc_auc_score confusion_matrix "
        "classification_report mean_squared_error mean_absolute_error r2_score log_loss "
        "roc_curve precision_recall_curve ConfusionMatrixDisplay RocCurveDisplay "
        "PrecisionRecallDisplay permutation_importance average_precision_score "
        "balanced_accuracy_score matthews_corrcoef mean_absolute_percentage_error "
        "root_mean_squared_error fbeta_score auc",
        "sklearn",
    )
    # Cross-validated scores estimate out-of-sample performance: evaluation, not a search.
    + _calls(
        EV,
        3.0,
        "cross_val_score cross_validate cross_val_predict learning_curve LearningCurveDisplay",
        "sklearn",
    )
    + _calls(EV, 3.0, "evaluate", "")
    + _calls(EV, 2.0, "score", "")
    + _calls(
        EV,
        3.0,
        "TreeExplainer KernelExplainer DeepExplainer Explainer shap_values summary_plot "
        "force_plot waterfall dependence_plot",
        "shap",
    )
    + _calls(EV, 3.0, "LimeTabularExplainer explain_instance", "lime")
    + _calls(
        EV,
        3.0,
        "SageMakerClarifyProcessor BiasConfig run_bias run_explainability "
        "run_pre_training_bias run_post_training_bias SHAPConfig ModelPredictedLabelConfig",
        "sagemaker",
    )
    + _calls(
        EV,
        3.5,
        "WitConfigBuilder WitWidget list_model_evaluations get_model_evaluation "
        "BinaryClassificationEvaluator RegressionEvaluator MulticlassClassificationEvaluator",
    )
    + _re("attr", EV, 2.0, "feature_importances_", "coef_", "get_booster", "get_score")
    + _re("import", EV, 1.0, "shap", "lime", "witwidget", "tensorflow_model_analysis")
)

# --- deployment: packaging, registering, serving, batch inference, tearing serving down ---------
_DEPLOYMENT = (
    _calls(DE, 4.5, "deploy create_endpoint Endpoint.create")
    + _calls(
        DE,
        3.5,
        "create_endpoint_config delete_endpoint delete_endpoint_config "
        "delete_model invoke_endpoint invoke_endpoint_async undeploy undeploy_all "
        "transformer batch_predict register create_model create_model_package "
        "create_model_package_group update_model_package register_model update_endpoint "
        "describe_endpoint create_transform_job describe_transform_job recommendForAllUsers "
        "BatchPredictionJob.create Model.upload TransformJob.create delete_model_package "
        "delete_model_package_group list_model_packages describe_model_package",
    )
    + _calls(
        DE,
        2.5,
        "Model Predictor Transformer ModelBuilder ModelPackage ServerlessInferenceConfig "
        "AsyncInferenceConfig ModelStep RegisterModel SchemaBuilder build",
        "sagemaker",
    )
    + _calls(
        DE,
        2.5,
        "upload Endpoint BatchPredictionJob Model.deploy upload_xgboost_model_file "
        "upload_scikit_learn_model_file upload_tensorflow_saved_model",
        "google.cloud.aiplatform",
    )
    + _calls(DE, 2.0, "dump save save_model export log_model save_pretrained push_to_hub")
    + _calls(DE, 1.5, "CSVSerializer JSONSerializer CSVDeserializer JSONDeserializer", "sagemaker")
    + _re("kwarg", DE, 1.5, "image_scope=^infer", "serving_container_image_uri", "ModelName")
    + _re("kwarg", DE, 1.0, "initial_instance_count", "endpoint_name", "EndpointName")
    + _re(
        "string",
        DE,
        1.5,
        r"^sagemaker-runtime$",
        r"vertex-ai/prediction/|/prediction/",
        r"PendingManualApproval|^Approved$",
    )
    + _re("name", DE, 0.8, "endpoint", "deploy", "deployed", "serving", "inference", "predictor")
    + _re("shell", DE, 2.0, r"^(gcloud ai endpoints|gcloud ai models)")
    + _re("shell", DE, 1.0, r"^docker (build|push|tag)\b")
)

# --- monitoring: data capture, monitors, drift and quality checks, alarms -----------------------
_MONITORING = (
    _calls(
        MO,
        3.5,
        "DataCaptureConfig DefaultModelMonitor ModelMonitor ModelQualityMonitor ModelBiasMonitor "
        "ModelExplainabilityMonitor suggest_baseline create_monitoring_schedule describe_schedule "
        "list_executions latest_monitoring_statistics latest_monitoring_constraint_violations "
        "CronExpressionGenerator ModelDeploymentMonitoringJob "
        "ModelDeploymentMonitoringJob.create put_metric_alarm QualityCheckStep ClarifyCheckStep "
        "DataQualityCheckConfig ModelQualityCheckConfig SkewDetectionConfig "
        "DriftDetectionConfig ObjectiveConfig EmailAlertConfig RandomSampleConfig "
        "ScheduleConfig delete_monitoring_schedule stop_monitoring_schedule "
        "describe_monitoring_schedule list_monitoring_schedules ks_2samp "
        "validate_statistics",
    )
    + _calls(MO, 2.0, "CheckJobConfig DatasetFormat", "sagemaker")
    + _re("import", MO, 2.0, "evidently", "whylogs", "nannyml", "alibi_detect")
    + _re(
        "kwarg",
        MO,
        1.5,
        "data_capture_config",
        "drift_thresholds",
        "skew_thresholds",
        "model_monitoring_alert_config",
        "model_monitoring_config",
    )
    + _re("string", MO, 1.5, r"model_deployment_monitoring|monitoring|drift|skew|anomal")
    + _re("name", MO, 1.0, "monitor", "monitoring", "drift", "skew", "alert", "alerting", "email")
)

# --- other: orchestration of many phases ---------------------------------------------------------
_OTHER = (
    _calls(OT, 3.0, "Pipeline PipelineJob", "sagemaker.workflow")
    + _calls(OT, 2.5, "upsert Pipeline ParallelismConfiguration")
    + _re("string", OT, 1.5, r"/pipelines?/")
    + _re("kwarg", OT, 1.5, "parallelism_config", "pipeline_definition_config")
    + _calls(OT, 3.0, "PipelineJob", "google.cloud.aiplatform")
    + _calls(OT, 2.0, "Compiler", "kfp")
    + _re("comment", OT, 4.0, r"copyright|licensed under|license", r"^\s*#\s*@title\b")
)

# --- callee words: classes and API methods the table does not list by name -----------------------
_CALLEE_WORDS = (
    _re("callee", TU, 2.5, r"automl|autopilot|hyper_?parameter|tuning|tuner|hypertune")
    + _re("callee", MO, 2.5, r"monitor|drift|skew|data_?quality|model_?quality")
    + _re("callee", FE, 2.5, r"feature_?(group|store|view|definition)|featurestore")
    + _re("callee", DE, 2.0, r"endpoint|batch_?predict|transform_?job|model_?package|inference")
    + _re("callee", TR, 2.0, r"training_?job|trainer")
)

# --- receivers: what a method is called on, by the words of its name ----------------------------
# ``endpoint.delete()``: ``word:method,method`` matches a receiver whose name holds the word.
_DELETE = "delete,undeploy,undeploy_all,delete_endpoint,delete_model,delete_predictor"
_RECEIVERS = (
    _re("receiver", DE, 3.0, f"endpoint:{_DELETE}", f"predictor:{_DELETE}", f"model:{_DELETE}")
    + _re("receiver", DE, 3.0, "endpoint:predict,invoke,explain,update", "predictor:predict")
    + _re("receiver", DE, 3.0, "builder:build,deploy")
    + _re("receiver", FE, 3.0, "feature:delete,ingest,create,describe", "group:delete,ingest")
    + _re("receiver", MO, 3.0, "monitor:delete,pause,stop,resume,create", "schedule:delete,stop")
    + _re("receiver", TU, 3.0, "tuner:delete,stop,describe,wait", "tuning:delete,stop")
    + _re("receiver", SE, 2.5, "bucket:delete", "experiment:delete", "tensorboard:delete")
)

# --- markdown headings and prose -----------------------------------------------------------------
# Headings name the phase of the section they open; words that only say "clean up" or "delete"
# are weak, because what is cleaned up (endpoints, buckets, feature groups) decides.
_MARKDOWN = (
    _re(
        "heading",
        OT,
        3.0,
        r"^(overview|objectives?|costs?|contents|table of contents|summary|conclusions?|"
        r"next steps|learn more|references|resources|additional resources|further reading|"
        r"appendix|tutorial|acknowledge?ments?|license|disclaimer|congratulations|"
        r"what'?s next|questions|extensions|introduction|(the )?model)$",
        r"\bend of (the )?lab\b|further development|continue with|additional features|"
        r"\bexecutor\b|scheduled runs|parameteri[sz]",
    )
    + _re(
        "heading",
        BG,
        3.0,
        r"business|use case|motivation|why this matters|\bbackground\b|problem statement",
    )
    + _re("heading", PF, 2.5, r"problem (framing|definition|formulation)|\bframing\b")
    + _re(
        "heading",
        SE,
        3.0,
        r"\b(set ?up|setup|install\w*|imports?|prerequisites?|permissions?|before you begin|"
        r"get(ting)? started|authenticate|restart|service account|project (id|information)|"
        r"cloud storage bucket|buckets?|librar(y|ies)|kernel|dependencies|compatibility)\b",
    )
    + _re(
        "heading",
        SE,
        2.6,
        r"\b(configur\w*|environment|initiali[sz]\w*|variables|constants|parameters|"
        r"clients?|sessions?|machine types?)\b",
    )
    + _re(
        "heading",
        DC,
        3.0,
        r"\b(download|load|get|read|fetch|collect|ingest|obtain|import|copy|query|retrieve)\w*\b.*"
        r"\b(data|dataset|records?|files?|table)\b(?! (prep|preprocess|clean|split))",
        r"\bdata ?(set|source|collection|load\w*)\b|^data$|\b(training|raw|input|source) data$|"
        r"^the data\b",
    )
    + _re(
        "heading",
        DP,
        3.0,
        r"preprocess|pre-process|prepar\w* (the )?data|data prep|clean(ing)? (the )?data|"
        r"data clean|\beda\b|exploratory|explor\w* (the )?data|exploration|"
        r"visuali[sz]\w* (the )?data|\bsplit|encod|scal(e|ing)\b|normali[sz]|missing values|"
        r"imbalanced|analy[sz]e the data(set)?|transformation|"
        r"upload (the )?(prepared|processed|training) data",
    )
    + _re(
        "heading",
        FE,
        3.0,
        r"feature (engineering|store|group|selection|extraction|creation|transformation|"
        r"definitions?|processing)|featurestore|(creat|engineer|select|add|deriv|generat|extract|"
        r"build|ingest)\w* (the |new |additional )?features|^features$",
    )
    + _re(
        "heading",
        TR,
        3.0,
        r"\btrain(?!ed\b)\w*|\bfit\b|estimator|model ?trainer|build (the |a )?model\b|"
        r"define (the )?(model|architecture)|experiment tracking|training job",
    )
    + _re(
        "heading",
        TU,
        3.5,
        r"\btun(e|ing)\b|hyper-?parameters? (tun|search|optimi|sweep)|automl|autopilot|"
        r"\bsearch\b|sweep",
    )
    + _re(
        "heading",
        EV,
        3.0,
        r"evaluat|metrics?\b|confusion|accuracy|assess|explainab|\bexplain|\bbias\b|"
        r"performance of|what-?if|feature importance|analy[sz]e the (results|predictions|model)|"
        r"\bvalidate the model",
    )
    + _re(
        "heading",
        DE,
        3.0,
        r"deploy|endpoint|\bhost|inference|\bserv(e|ing)\b|predict|batch transform|model ?builder|"
        r"register|registry|approve|invoke|\bsave the model|export the model|model package|"
        r"upload the model|undeploy",
    )
    + _re("heading", DE, 1.5, r"clean ?-?up|delet|tear ?down")
    + _re(
        "heading",
        MO,
        3.5,
        r"monitor|drift|data capture|skew|alarm|alert|quality checks?|baseline|anomal|"
        r"synthetic (prediction )?(requests|traffic)|generate traffic",
    )
    # Prose: each phase's words form one group, so a text that uses several of them says more.
    + _re(
        "text",
        BG,
        1.5,
        r"\bbusiness",
        r"\bcustomers?\b",
        r"\brevenue\b",
        r"\bmarketing\b",
        r"\buse[ -]case\b",
        r"\bchurn",
        r"\bcampaigns?\b",
        r"\badvertis",
        r"\btarget(ed|ing)\b",
        r"\bsales\b",
    )
    + _re(
        "text",
        PF,
        1.0,
        r"\btarget (variable|column)\b",
        r"\b(binary|multi-?class) classification\b",
        r"\bregression (problem|task)\b",
        r"\bmetric (to|we) (use|optimi[sz]e)\b",
    )
    + _re("text", DC, 1.0, r"\bdataset\b|\bdata set\b", r"\bdownload", r"\bbigquery\b")
    + _re(
        "text", DP, 1.0, r"preprocess", r"missing values", r"distribution", r"correlat", r"\bsplit"
    )
    + _re("text", FE, 1.0, r"\bfeature (store|group|engineering)", r"\bnew features?\b")
    + _re("text", TR, 1.0, r"\btrain(ing)?\b", r"\bestimator\b", r"\bfit\b")
    + _re("text", TU, 1.0, r"hyperparameter", r"autopilot|automl", r"\btuning\b")
    + _re("text", EV, 1.0, r"evaluat", r"\bmetrics?\b", r"confusion matrix", r"\baccuracy\b")
    + _re("text", DE, 1.0, r"\bendpoint", r"\bdeploy", r"\binference\b", r"\bpredictions?\b")
    + _re("text", MO, 1.5, r"monitor", r"\bdrift\b", r"\bskew\b", r"\balerts?\b")
    + _re(
        "text",
        SE,
        1.0,
        r"\binstall",
        r"\bkernel\b",
        r"\bpermissions?\b",
        r"\bIAM\b",
        r"compatib",
        r"\btested (with|using|in|on)\b",
        r"python version",
    )
    + _re("text", OT, 1.0, r"\bexecutor\b", r"\bpipeline\b")
)

SIGNALS: tuple[Signal, ...] = tuple(
    _SETUP
    + _COLLECTION
    + _PREPROCESSING
    + _FEATURES
    + _TRAINING
    + _TUNING
    + _EVALUATION
    + _DEPLOYMENT
    + _MONITORING
    + _OTHER
    + _CALLEE_WORDS
    + _RECEIVERS
    + _MARKDOWN
)

# --- vocabularies for the flow analysis (flow.py) ------------------------------------------------

#: Calls that produce predictions from a model, an endpoint or a helper built on them.
PREDICT_CALLS = frozenset(
    {
        "predict",
        "predict_proba",
        "predict_log_proba",
        "predict_classes",
        "decision_function",
        "invoke",
        "invoke_endpoint",
        "batch_predict",
        "explain",
    }
)
#: Calls that score predictions (their argument names are checked for held-out data).
SCORING_CALLS = frozenset({"crosstab", "evaluate", "score", "compare"})
#: Words that mark the parts of a split, in what an upload sends.
SPLIT_WORDS = re.compile(r"train|test|valid", re.I)
#: Dict keys that name hyperparameters; several dicts repeating them are a manual sweep.
HYPERPARAMETER_KEYS = frozenset(
    {
        "epochs",
        "learning_rate",
        "lr",
        "dropout",
        "dropout_rate",
        "num_units",
        "units",
        "batch_size",
        "max_depth",
        "n_estimators",
        "eta",
        "gamma",
        "min_child_weight",
        "num_round",
        "hidden_units",
        "num_layers",
        "max_leaf_nodes",
        "alpha",
        "subsample",
        "optimizer",
        "momentum",
        "weight_decay",
        "num_boost_round",
        "C",
    }
)
#: Weight of a manual sweep: several configurations of the same hyperparameters.
SWEEP_WEIGHT = 6.0
#: Phases whose names carry nothing into later cells (environment, orchestration, empty).
INERT_PHASES = frozenset({SE, OT})

#: What a library is for: calls into it, and methods of objects it made, lean to that phase.
#: A module prefix per row (the longest matching prefix wins); only libraries whose purpose is
#: one phase are listed (pandas, numpy, matplotlib serve every phase).
LIBRARY_PHASES: tuple[tuple[str, str], ...] = (
    *(
        (m, DC)
        for m in (
            "sklearn.datasets",
            "tensorflow_datasets",
            "torchvision.datasets",
            "datasets",
            "keras.datasets",
            "tensorflow.keras.datasets",
            "kaggle",
            "opendatasets",
            "wget",
            "google.cloud.bigquery",
            "awswrangler",
            "azureml.opendatasets",
            "urllib.request",
            "torchtext.datasets",
            "statsmodels.datasets",
        )
    ),
    *(
        (m, DP)
        for m in (
            "sklearn.preprocessing",
            "sklearn.impute",
            "sklearn.compose",
            "imblearn",
            "missingno",
            "ydata_profiling",
            "pandas_profiling",
            "great_expectations",
            "nltk",
            "spacy",
            "torchvision.transforms",
            "albumentations",
            "seaborn",
            "sweetviz",
            "dataprep",
            "tensorflow_data_validation",
            "pyspark.ml.feature",
        )
    ),
    *(
        (m, FE)
        for m in (
            "sklearn.feature_selection",
            "sklearn.decomposition",
            "sklearn.feature_extraction",
            "sklearn.manifold",
            "featuretools",
            "feast",
            "category_encoders",
            "tsfresh",
            "sagemaker.feature_store",
            "gensim",
            "sentence_transformers",
            "umap",
        )
    ),
    *(
        (m, TR)
        for m in (
            "torch.nn",
            "torch.optim",
            "lightning",
            "pytorch_lightning",
            "keras.layers",
            "keras.models",
            "keras.optimizers",
            "keras.losses",
            "keras.callbacks",
            "tensorflow.keras.layers",
            "tensorflow.keras.models",
            "tensorflow.keras.optimizers",
            "tensorflow.keras.callbacks",
            "xgboost",
            "lightgbm",
            "catboost",
            "sklearn.linear_model",
            "sklearn.ensemble",
            "sklearn.tree",
            "sklearn.svm",
            "sklearn.neighbors",
            "sklearn.cluster",
            "sklearn.naive_bayes",
            "sklearn.neural_network",
            "statsmodels.api",
            "statsmodels.formula",
            "prophet",
            "surprise",
            "implicit",
            "fastai",
            "peft",
            "transformers.Trainer",
            "sagemaker.estimator",
            "sagemaker.xgboost",
            "sagemaker.pytorch",
            "sagemaker.tensorflow",
            "sagemaker.sklearn",
            "pyspark.ml.classification",
            "pyspark.ml.regression",
            "pyspark.ml.recommendation",
            "h2o.estimators",
            "mlxtend",
        )
    ),
    *(
        (m, TU)
        for m in (
            "optuna",
            "hyperopt",
            "ray.tune",
            "keras_tuner",
            "kerastuner",
            "skopt",
            "nni",
            "bayes_opt",
            "flaml",
            "autogluon",
            "h2o.automl",
            "tpot",
            "autosklearn",
            "sagemaker.tuner",
            "azure.ai.ml.sweep",
            "hpbandster",
            "pyspark.ml.tuning",
        )
    ),
    *(
        (m, EV)
        for m in (
            "sklearn.metrics",
            "torchmetrics",
            "evaluate",
            "shap",
            "lime",
            "fairlearn",
            "yellowbrick",
            "scikitplot",
            "interpret",
            "dice_ml",
            "responsibleai",
            "raiwidgets",
            "sagemaker.clarify",
            "tensorflow_model_analysis",
            "pyspark.ml.evaluation",
            "seqeval",
        )
    ),
    *(
        (m, DE)
        for m in (
            "bentoml",
            "fastapi",
            "flask",
            "gradio",
            "streamlit",
            "sagemaker.predictor",
            "sagemaker.serializers",
            "sagemaker.deserializers",
            "sagemaker.serverless",
            "onnxruntime",
            "tritonclient",
            "kserve",
            "seldon_core",
            "azureml.core.webservice",
            "azure.ai.ml.entities.ManagedOnlineEndpoint",
            "mlflow.deployments",
            "mlflow.pyfunc",
        )
    ),
    *(
        (m, MO)
        for m in (
            "evidently",
            "whylogs",
            "nannyml",
            "alibi_detect",
            "deepchecks",
            "frouros",
            "sagemaker.model_monitor",
            "azureml.datadrift",
            "river.drift",
        )
    ),
    *((m, SE) for m in ("os", "sys", "warnings", "dotenv", "getpass", "logging", "pathlib")),
)
