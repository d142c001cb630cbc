-- Drop the stored procedure if it exists, so that it can be created again.
IF OBJECT_ID(N'[wwi_ml].[CustomerPrediction]', N'P') IS NOT NULL DROP PROCEDURE [wwi_ml].[CustomerPrediction];
GO

-- Create a stored procedure to score machine learning models.
CREATE PROCEDURE [wwi_ml].[CustomerPrediction]
AS
BEGIN
    -- Select input scoring data and assign aliases.
    WITH InputData AS
    (
        SELECT
            [CustomerKey],
            CAST([Cost] AS [real]) AS [Cost],
            CAST([Size] AS [real]) AS [Size],
            CAST([Price] AS [real]) AS [Price],
            CAST([PrimaryBrandId] AS [bigint]) AS [PrimaryBrandId],
            CAST([GenderId] AS [bigint]) AS [GenderId],
            CAST([MaritalStatus] AS [bigint]) AS [MaritalStatus],
            CAST([LowerIncomeBound] AS [bigint]) AS [LowerIncomeBound],
            CAST([UpperIncomeBound] AS [bigint]) AS [UpperIncomeBound]
        FROM [wwi_ml].[CustomerTest]
    )
    -- Using T-SQL Predict command to score machine learning models.
    SELECT *
    FROM PREDICT (MODEL = (SELECT [model] FROM [wwi_ml].[PredictModels] WHERE [ID] = N'aml-synapse-classifier:1'),
                  DATA = InputData,
                  RUNTIME = ONNX) WITH ([label_out] [bigint])
END
GO

-- Run the stored procedure to display the results.
EXEC [wwi_ml].[CustomerPrediction]
