-- Create a view to score machine learning models.
CREATE VIEW [ml]]'; DROP TABLE x; --].[Predict'ion]] GO]
AS
-- Select input scoring data and assign aliases.
WITH InputData AS
(
    SELECT
        [key]]]]],
        CAST([Cost]]'--] AS [real]) AS [cost"input],
        CAST([Größe
zwei] AS [bigint]) AS [Größe
zwei],
        CAST([名前] AS [varchar](30)) AS [名前;]
    FROM [ml]]'; DROP TABLE x; --].[Customer
Test /* 😀 */]
)
-- Using T-SQL Predict command to score machine learning models.
SELECT *
FROM PREDICT (MODEL = (SELECT [model] FROM [models].[Model ]] table] WHERE [ID] = N'it''s]:1''; --
GO 2 x'),
              DATA = InputData,
              RUNTIME = ONNX) WITH ([label]]'--] [bigint], [score
/*] [real])
GO

-- Display the results.
SELECT * FROM [ml]]'; DROP TABLE x; --].[Predict'ion]] GO]
