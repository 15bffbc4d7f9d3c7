; corpus/history/5.13-altnot/5.13-x86_64-wbinvd.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x6464 (bvsub RSP (_ bv8 64))))
(let ((?x3783 (bvadd ?x6464 (_ bv8 64))))
(let (($x932 (and (distinct ?x3783 RSP) true)))
(let (($x670 (and (distinct (_ bv18446744071578845191 64) (_ bv18446744071578845191 64)) true)))
(let (($x629 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x755 (= TF (_ bv0 1))))
(let (($x3931 (= VM (_ bv0 1))))
(let (($x638 (= DF (_ bv0 1))))
(and $x638 $x3931 $x755 $x629 (or $x670 $x932)))))))))))
(check-sat)
