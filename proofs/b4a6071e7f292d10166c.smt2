; corpus/equivalent/x86_64-cpuid.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x223 (bvsub RSP (_ bv8 64))))
(let ((?x17 (bvadd ?x223 (_ bv8 64))))
(let (($x244 (and (distinct ?x17 RSP) true)))
(let (($x149 (and (distinct (_ bv18446744071578845196 64) (_ bv18446744071578845196 64)) true)))
(let (($x267 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x62 (= TF (_ bv0 1))))
(let (($x117 (= VM (_ bv0 1))))
(let (($x155 (= DF (_ bv0 1))))
(and $x155 $x117 $x62 $x267 (or $x149 $x244)))))))))))
(check-sat)
