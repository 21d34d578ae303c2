"""The signals that say which lifecycle phase a cell serves, as data.

Each row reads: a cell that shows this pattern leans to this phase by this weight. The classifier
adds the weights of every match; no rule here knows any other. Patterns generalise what ML code
calls; they never quote a particular notebook.

Kinds of pattern:
- ``call``: the last name of a callee (``fit``, ``read_csv``), optionally only when the callee
  resolves (through the notebook's imports) under a module prefix (``sklearn.metrics``);
- ``import``: a module imported in the cell (prefix match);
- ``shell``: a regular expression on a shell command or line magic (``pip install``);
- ``magic``: a cell magic name (``writefile``, ``bigquery``);
- ``heading`` / ``text``: a regular expression on a markdown heading / on markdown prose.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Signal:
    """One pattern and the phase it points to."""

    kind: str
    pattern: str
    phase: str
    weight: float
    module: str = ""  # for ``call``: resolved callee must start with this (empty: any)


def _calls(phase: str, weight: float, names: str, module: str = "") -> list[Signal]:
    return [Signal("call", n, phase, weight, module) for n in names.split()]


def _imports(phase: str, weight: float, modules: str) -> list[Signal]:
    return [Signal("import", m, phase, weight) for m in modules.split()]


SIGNALS: tuple[Signal, ...] = tuple(
    # --- setup: environment, sessions, clients, installs -------------------------------------
    _calls(
        "setup",
        1.0,
        "Session get_execution_role default_bucket client resource init set_option "
        "filterwarnings basicConfig getLogger seed_everything set_seed environ "
        "get_caller_identity region_name",
    )
    + _calls("setup", 1.5, "init", "google.cloud.aiplatform")
    + _calls("setup", 1.5, "Session", "sagemaker")
    + [
        Signal("shell", r"^(pip|pip3|conda|mamba|uv|apt-get|apt|yum)\b.*\binstall\b", "setup", 3.0),
        Signal("shell", r"^(gcloud config|gcloud auth|gsutil mb|aws configure)", "setup", 2.0),
        Signal("shell", r"^(load_ext|reload_ext|matplotlib|autoreload|env|config)\b", "setup", 1.0),
    ]
    # --- data collection -------------------------------------------------------------------------
    + _calls(
        "data-collection",
        2.5,
        "read_csv read_parquet read_json read_excel read_sql read_sql_query read_table "
        "read_feather read_pickle read_orc read_hdf load_dataset urlretrieve download_file "
        "download_fileobj get_object download_from_uri fetch_openml",
    )
    + _calls(
        "data-collection",
        2.5,
        "load_iris load_wine load_breast_cancer load_diabetes load_digits load_linnerud "
        "fetch_california_housing fetch_20newsgroups fetch_covtype fetch_kddcup99 "
        "fetch_lfw_people make_classification make_regression make_blobs",
        "sklearn.datasets",
    )
    + _calls("data-collection", 2.5, "load_data", "tensorflow")
    + _calls("data-collection", 2.5, "load_data", "keras")
    + _calls("data-collection", 2.0, "query to_dataframe list_rows", "google.cloud.bigquery")
    + _calls("data-collection", 1.5, "get", "requests")
    + _calls("data-collection", 2.0, "S3Downloader download", "sagemaker")
    + [
        Signal("shell", r"^(wget|curl)\b", "data-collection", 2.5),
        Signal(
            "shell",
            r"^(aws s3 (cp|sync)|gsutil (-m )?cp).*(s3|gs)://\S+\s+\S+$",
            "data-collection",
            1.5,
        ),
        Signal("shell", r"^(unzip|tar)\b", "data-collection", 1.5),
        Signal("magic", "bigquery", "data-collection", 3.0),
        Signal("magic", "sql", "data-collection", 2.5),
    ]
    # --- data preprocessing (cleaning, EDA, plots, encoding, scaling, splitting) ----------------
    + _calls(
        "data-preprocessing",
        2.0,
        "dropna fillna drop_duplicates isnull isna astype replace get_dummies describe "
        "value_counts info corr hist boxplot pairplot heatmap countplot histplot scatter_matrix "
        "crosstab groupby merge concat rename drop",
    )
    + _calls("data-preprocessing", 3.0, "train_test_split", "sklearn")
    + _calls(
        "data-preprocessing",
        2.5,
        "StandardScaler MinMaxScaler RobustScaler OneHotEncoder LabelEncoder OrdinalEncoder "
        "SimpleImputer KNNImputer",
        "sklearn",
    )
    + _calls("data-preprocessing", 1.5, "fit_transform transform", "sklearn")
    + _calls(
        "data-preprocessing", 2.0, "upload_data S3Uploader upload_file upload_fileobj put_object"
    )
    + _calls("data-preprocessing", 1.0, "to_csv to_parquet head tail shape plot")
    + _calls("data-preprocessing", 2.0, "split randomSplit sample")
    # --- feature engineering ---------------------------------------------------------------------
    + _calls(
        "feature-engineering",
        3.0,
        "PCA TruncatedSVD SelectKBest RFE PolynomialFeatures FeatureHasher TfidfVectorizer "
        "CountVectorizer mutual_info_classif VarianceThreshold",
        "sklearn",
    )
    + _calls(
        "feature-engineering",
        3.0,
        "FeatureGroup create ingest load_feature_definitions put_record athena_query "
        "create_feature_group FeatureStore",
        "sagemaker.feature_store",
    )
    + _calls("feature-engineering", 2.0, "SKLearnProcessor ScriptProcessor Processor", "sagemaker")
    + _calls("feature-engineering", 2.5, "FeatureGroup", "sagemaker")
    + [Signal("heading", r"feature", "feature-engineering", 3.0)]
    # --- model training ----------------------------------------------------------------------
    + _calls("model-training", 3.0, "fit train partial_fit fit_generator train_on_batch")
    + _calls(
        "model-training",
        2.5,
        "Estimator XGBoost SKLearn TensorFlow PyTorch HuggingFace Framework ModelTrainer "
        "JumpStartEstimator",
        "sagemaker",
    )
    + _calls(
        "model-training",
        2.5,
        "CustomTrainingJob CustomJob CustomContainerTrainingJob CustomPythonPackageTrainingJob",
        "google.cloud.aiplatform",
    )
    + _calls("model-training", 2.0, "compile Sequential Model Dense Conv2D LSTM", "tensorflow")
    + _calls("model-training", 2.0, "compile Sequential Model Dense Conv2D LSTM", "keras")
    + _calls(
        "model-training",
        2.0,
        "LogisticRegression LinearRegression RandomForestClassifier RandomForestRegressor "
        "GradientBoostingClassifier DecisionTreeClassifier DecisionTreeRegressor SVC KMeans "
        "Ridge Lasso MLPClassifier HistGradientBoostingClassifier ExtraTreesClassifier",
        "sklearn",
    )
    + _calls("model-training", 2.0, "XGBClassifier XGBRegressor DMatrix", "xgboost")
    + _calls("model-training", 2.0, "LGBMClassifier LGBMRegressor Dataset", "lightgbm")
    + _calls("model-training", 1.5, "backward step zero_grad", "")
    + _calls("model-training", 1.0, "log_param log_params log_metric start_run autolog", "mlflow")
    + _calls("model-training", 1.0, "start_run log_params log_metrics", "google.cloud.aiplatform")
    + _calls("model-training", 1.5, "set_hyperparameters hyperparameters image_uris retrieve")
    # --- model tuning ------------------------------------------------------------------------
    + _calls(
        "model-tuning",
        3.5,
        "GridSearchCV RandomizedSearchCV HalvingGridSearchCV cross_val_score cross_validate "
        "HyperparameterTuner HyperparameterTuningJob ContinuousParameter IntegerParameter "
        "CategoricalParameter AutoML AutoMLV2 AutoMLTabularTrainingJob create_study optimize "
        "CrossValidator ParamGridBuilder best_estimator best_training_job",
    )
    + _calls("model-tuning", 3.0, "DoubleParameterSpec IntegerParameterSpec", "google.cloud")
    # --- model evaluation --------------------------------------------------------------------
    + _calls(
        "model-evaluation",
        3.0,
        "accuracy_score f1_score precision_score recall_score roc_auc_score confusion_matrix "
        "classification_report mean_squared_error mean_absolute_error r2_score log_loss "
        "roc_curve precision_recall_curve ConfusionMatrixDisplay RocCurveDisplay "
        "permutation_importance average_precision_score balanced_accuracy_score",
        "sklearn",
    )
    + _calls("model-evaluation", 3.0, "evaluate score")
    + _calls(
        "model-evaluation",
        2.5,
        "TreeExplainer KernelExplainer Explainer shap_values summary_plot",
        "shap",
    )
    + _calls(
        "model-evaluation",
        2.5,
        "SageMakerClarifyProcessor BiasConfig run_bias run_explainability",
        "sagemaker",
    )
    + _calls("model-evaluation", 1.0, "predict predict_proba")
    # --- deployment --------------------------------------------------------------------------
    + _calls(
        "deployment",
        3.5,
        "deploy create_endpoint create_endpoint_config delete_endpoint delete_endpoint_config "
        "delete_model invoke_endpoint undeploy undeploy_all transformer batch_predict "
        "register create_model_package register_model update_endpoint",
    )
    + _calls("deployment", 2.5, "Model Predictor Transformer ModelBuilder", "sagemaker")
    + _calls("deployment", 2.5, "upload Endpoint BatchPredictionJob", "google.cloud.aiplatform")
    + _calls("deployment", 2.0, "dump save save_model log_model")
    + _calls("deployment", 2.5, "serialize_model save_pretrained")
    # --- monitoring --------------------------------------------------------------------------
    + _calls(
        "monitoring",
        3.5,
        "DataCaptureConfig DefaultModelMonitor ModelMonitor ModelQualityMonitor "
        "suggest_baseline create_monitoring_schedule describe_schedule "
        "list_executions ModelDeploymentMonitoringJob ks_2samp put_metric_alarm "
        "QualityCheckStep DataQualityCheckConfig ModelQualityCheckConfig "
        "SkewDetectionConfig DriftDetectionConfig ObjectiveConfig EmailAlertConfig "
        "delete_monitoring_schedule stop_monitoring_schedule",
    )
    + _imports("monitoring", 2.0, "evidently whylogs nannyml alibi_detect")
    + _imports("data-preprocessing", 1.0, "great_expectations seaborn")
    + _imports("model-evaluation", 1.0, "shap lime")
    # --- markdown headings and prose ---------------------------------------------------------
    + [
        Signal(
            "heading",
            r"business|use case|objective|motivation|why this matters",
            "business-goal",
            3.0,
        ),
        Signal(
            "heading",
            r"problem (statement|framing|definition)|framing|\bgoal\b",
            "problem-framing",
            2.5,
        ),
        Signal(
            "heading",
            r"\b(set ?up|setup|install|import|prerequisite|configur|environment|permission|before you begin|initiali[sz]e)",
            "setup",
            3.0,
        ),
        Signal(
            "heading",
            r"\b(download|load|get|read|fetch|collect|ingest|obtain)\w*\b.*\bdata|\bdata ?(set|source|collection|load)",
            "data-collection",
            3.0,
        ),
        Signal(
            "heading",
            r"preprocess|prepar|clean|explor|\beda\b|visuali[sz]|split|encod|scal|transform",
            "data-preprocessing",
            3.0,
        ),
        Signal("heading", r"\btrain", "model-training", 3.0),
        Signal(
            "heading", r"tun(e|ing)|hyperparameter|automl|autopilot|search", "model-tuning", 3.5
        ),
        Signal(
            "heading",
            r"evaluat|metric|confusion|accuracy|assess|explain|bias|performance of",
            "model-evaluation",
            3.0,
        ),
        Signal(
            "heading",
            r"deploy|endpoint|host|inference|serv(e|ing)|predict|batch transform|register|clean ?up|delete",
            "deployment",
            3.0,
        ),
        Signal("heading", r"monitor|drift|data capture|skew|alarm|alert", "monitoring", 3.5),
        Signal("text", r"\bbusiness\b|\bcustomers?\b|\brevenue\b", "business-goal", 1.0),
        Signal(
            "text",
            r"\btarget (variable|column)\b|\bbinary classification\b|\bregression problem\b",
            "problem-framing",
            1.0,
        ),
    ]
)
