; corpus/equivalent/x86_64-wbinvd.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x1337 (bvsub RSP (_ bv8 64))))
(let ((?x764 (bvadd ?x1337 (_ bv8 64))))
(let (($x1004 (and (distinct ?x764 RSP) true)))
(let (($x171 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x1142 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x92 (= TF (_ bv0 1))))
(let (($x684 (= VM (_ bv0 1))))
(let (($x41 (= DF (_ bv0 1))))
(and $x41 $x684 $x92 $x1142 (or $x171 $x1004)))))))))))
(check-sat)
