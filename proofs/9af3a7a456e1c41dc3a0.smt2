; corpus/equivalent/x86_64-read_msr.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x46 (bvsub RSP (_ bv8 64))))
(let ((?x388 (bvadd ?x46 (_ bv8 64))))
(let (($x42 (and (distinct ?x388 RSP) true)))
(let (($x348 (and (distinct (_ bv18446744071578845200 64) (_ bv18446744071578845200 64)) true)))
(let (($x294 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x133 (= TF (_ bv0 1))))
(let (($x25 (= VM (_ bv0 1))))
(let (($x218 (= DF (_ bv0 1))))
(and $x218 $x25 $x133 $x294 (or $x348 $x42)))))))))))
(check-sat)
