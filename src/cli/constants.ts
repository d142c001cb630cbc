/** Names shared by the command lines: the program, and the environment variables secrets come from. */
export const PROGRAM = 'predict-wizard';

export const ENV = {
  sqlPassword: 'PREDICT_SQL_PASSWORD',
  mlflowToken: 'MLFLOW_TRACKING_TOKEN',
  mlflowUser: 'MLFLOW_TRACKING_USERNAME',
  mlflowPassword: 'MLFLOW_TRACKING_PASSWORD',
  localPoolPassword: 'LOCALPOOL_PASSWORD',
} as const;
